import { helpText, parseCommandLine, type CommandSpec } from './command-line';

const spec = {
  usage: 'npm run thing -- [options] <name...>',
  summary: 'Does a thing.',
  options: { topic: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
  describe: { topic: 'the topic', 'dry-run': 'say what would happen' },
  positionals: true,
} as const satisfies CommandSpec<{ topic: { type: 'string' }; 'dry-run': { type: 'boolean'; default: false } }>;

describe('parseCommandLine', () => {
  it('parses options and positionals', () => {
    expect(parseCommandLine(spec, ['--topic', 'file.created', 'a', '--dry-run'])).toEqual({
      kind: 'run',
      values: { topic: 'file.created', 'dry-run': true },
      positionals: ['a'],
    });
  });

  it('answers --help and -h with the help, whatever else is there', () => {
    for (const argv of [['--help'], ['-h'], ['--bogus', '--help']]) {
      const parsed = parseCommandLine(spec, argv);
      expect(parsed.kind).toBe('help');
      if (parsed.kind === 'help') expect(parsed.text).toBe(helpText(spec));
    }
  });

  it('lists every option with its description and default', () => {
    const text = helpText(spec);
    expect(text).toMatch(/^usage: npm run thing -- \[options\] <name\.\.\.>\n\nDoes a thing\.\n/);
    expect(text).toMatch(/--topic <value> {2}the topic\n/);
    expect(text).toMatch(/--dry-run {8}say what would happen\n/);
    expect(text).toMatch(/--help, -h {7}print this help and exit\n/);
  });

  it('refuses an unknown option, a missing value and an unexpected argument, with the usage', () => {
    const unknown = parseCommandLine(spec, ['--bogus']);
    expect(unknown.kind).toBe('usage-error');
    expect(unknown.kind === 'usage-error' && unknown.text).toMatch(/Unknown option '--bogus'.*\nusage: npm run thing/s);
    expect(parseCommandLine(spec, ['--topic']).kind).toBe('usage-error');
    const noPositionals = { ...spec, positionals: false };
    const extra = parseCommandLine(noPositionals, ['stray']);
    expect(extra.kind === 'usage-error' && extra.text).toMatch(/^unexpected argument 'stray'\n/);
  });
});
