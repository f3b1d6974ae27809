#!/usr/bin/env node
/** The `infergate` command (package.json `bin`): `serve`, `models pull|list`, `--help`, `--version`. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../openapi/document';
import { models, MODELS_PULL_USAGE } from './models';
import { serve } from './serve';
import { runCommand, UsageError } from './usage';

const HELP = `usage: infergate <command>

commands:
  serve                 start the server (settings from the environment: PORT, HOST, INFERGATE_*; see the README)
  ${MODELS_PULL_USAGE}
                        download a model from a Hugging Face Hub into the first models directory
  models list           the installed models and where the built-in ids point
  --help, -h            this text
  --version, -v         the version of infergate`;

function version(): string {
  return (JSON.parse(readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

async function main(args: string[]): Promise<void> {
  const [command, ...rest] = args;
  if (command === 'serve' && rest.length === 0) return serve();
  if (command === 'models') return models(rest);
  if (command === '--help' || command === '-h' || command === 'help') return void console.log(HELP);
  if (command === '--version' || command === '-v') return void console.log(version());
  if (command === undefined) throw new UsageError(HELP);
  if (command === 'serve') throw new UsageError(`serve takes no arguments (settings come from the environment)\n\n${HELP}`);
  throw new UsageError(`unknown command [${command}]\n\n${HELP}`);
}

runCommand(() => main(process.argv.slice(2)));
