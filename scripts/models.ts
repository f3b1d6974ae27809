/** `npm run models -- pull … | list`: the `infergate models` command (server/cli/models.ts) from sources. */
import { models } from '../server/cli/models';
import { runCommand } from '../server/cli/usage';

runCommand(() => models(process.argv.slice(2), 'npm run models --'));
