/** `npm run dev`: the server from sources (the built package runs it as `infergate serve`, server/cli/main.ts). */
import { serve } from './cli/serve';
import { runCommand } from './cli/usage';

runCommand(serve);
