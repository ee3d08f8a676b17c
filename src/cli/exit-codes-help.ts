import { EXIT_CODE_MEANINGS, ExitCode } from '../errors.js';

export const EXIT_CODES_HELP = `
Exit codes:
${Object.entries(EXIT_CODE_MEANINGS)
  .map(([name, meaning]) => `  ${String(ExitCode[name as keyof typeof ExitCode]).padEnd(4)} ${meaning.summary}`)
  .join('\n')}
`;
