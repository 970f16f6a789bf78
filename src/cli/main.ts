import { Command, CommanderError } from 'commander';
import { isLetheError } from '../errors/index.js';
import { registerAnonymiseCommand } from './commands/anonymise-command.js';
import { registerAuditCommand } from './commands/audit-command.js';
import { registerDataCommand } from './commands/data-command.js';
import { registerDatasetCommand } from './commands/dataset-command.js';
import { registerDemoCommand } from './commands/demo-command.js';
import { registerEraseCommand } from './commands/erase-command.js';
import { registerItemsCommand } from './commands/items-command.js';
import { registerMentionsCommand } from './commands/mentions-command.js';
import { registerReportsCommand } from './commands/reports-command.js';
import { registerRequestsCommands } from './commands/requests-command.js';
import { registerServeCommand } from './commands/serve-command.js';
import { registerSettingsCommand } from './commands/settings-command.js';
import { registerSubjectsCommand } from './commands/subjects-command.js';
import { registerTypesCommands } from './commands/types-command.js';
import { registerWorkerCommands } from './commands/worker-command.js';

export function buildProgram(): Command {
  const program = new Command('lethe')
    .description(
      'Lethe: export, anonymise and purge personal data under GDPR rules, with a verifiable record.',
    )
    .option('--config <file>', 'the config file (default ./lethe.config.json)')
    .option(
      '--store <url>',
      'the store URL: sqlite:PATH or postgres://... (overrides the config and LETHE_STORE)',
    )
    .option('--json', 'print JSON for scripts')
    .showHelpAfterError()
    .exitOverride();
  registerDemoCommand(program);
  registerSubjectsCommand(program);
  registerItemsCommand(program);
  registerTypesCommands(program);
  registerSettingsCommand(program);
  registerServeCommand(program);
  registerRequestsCommands(program);
  registerWorkerCommands(program);
  registerDataCommand(program);
  registerEraseCommand(program);
  registerAnonymiseCommand(program);
  registerMentionsCommand(program);
  registerReportsCommand(program);
  registerDatasetCommand(program);
  registerAuditCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has already printed the problem and the usage
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    if (isLetheError(error)) {
      // An option parser refused a value before any action ran.
      if (argv.includes('--json'))
        process.stdout.write(`${JSON.stringify({ error: error.toJSON() }, null, 2)}\n`);
      else process.stderr.write(`error ${error.code}: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
}

await main(process.argv);
