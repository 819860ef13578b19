import { decideRelayStart, decideSwitch, type RelayFacts, type RelayMode } from './decide';

describe('decideRelayStart', () => {
  const start = (mode: RelayMode) => ({ kind: 'start', mode });
  const keep = (mode: RelayMode) => ({ kind: 'keep', mode });
  const cases: Array<[string, RelayFacts, unknown]> = [
    ['a fresh stack without RELAY_MODE starts polling', {}, start('polling')],
    ['a fresh stack starts the requested mode', { requested: 'debezium' }, start('debezium')],
    ['the remembered mode is used when none is requested', { remembered: 'debezium' }, start('debezium')],
    ['the remembered polling mode is used', { remembered: 'polling' }, start('polling')],
    ['asking for the remembered mode starts it', { remembered: 'debezium', requested: 'debezium' }, start('debezium')],
    [
      'a relay running in the remembered mode is kept',
      { remembered: 'debezium', running: 'debezium' },
      keep('debezium'),
    ],
    [
      'a relay running in the requested mode is kept',
      { remembered: 'polling', requested: 'polling', running: 'polling' },
      keep('polling'),
    ],
    ['a running relay without a state file is kept in its mode', { running: 'debezium' }, keep('debezium')],
    [
      'a stopped polling stack may start in Debezium mode',
      { remembered: 'polling', requested: 'debezium' },
      start('debezium'),
    ],
  ];
  it.each(cases)('%s', (_name, facts, expected) => {
    expect(decideRelayStart(facts)).toEqual(expected);
  });

  const refusals: Array<[string, RelayFacts, RegExp]> = [
    [
      'polling beside a running Debezium relay',
      { remembered: 'debezium', requested: 'polling', running: 'debezium' },
      /runs the outbox relay in debezium mode.*mode polling/,
    ],
    [
      'polling on a stopped Debezium stack (the connector outlives the relay)',
      { remembered: 'debezium', requested: 'polling' },
      /in debezium mode.*mode polling/,
    ],
    [
      'Debezium beside a running polling relay',
      { remembered: 'polling', requested: 'debezium', running: 'polling' },
      /in polling mode.*mode debezium/,
    ],
    [
      'the other mode than a running relay without a state file',
      { requested: 'polling', running: 'debezium' },
      /mode polling/,
    ],
    [
      'a relay that runs in another mode than the remembered one',
      { remembered: 'debezium', running: 'polling' },
      /runs in polling mode but the stack was started in debezium mode/,
    ],
  ];
  it.each(refusals)('refuses %s', (_name, facts, message) => {
    const d = decideRelayStart(facts);
    expect(d.kind).toBe('refuse');
    if (d.kind === 'refuse') {
      expect(d.reason).toMatch(message);
      expect(d.reason).not.toContain('\n');
    }
  });
});

describe('decideSwitch', () => {
  it('nothing to do in the mode that runs and is remembered', () => {
    expect(decideSwitch({ remembered: 'debezium', running: 'debezium' }, 'debezium')).toEqual({
      kind: 'already',
      mode: 'debezium',
    });
    expect(decideSwitch({ remembered: 'polling' }, 'polling')).toEqual({ kind: 'already', mode: 'polling' });
    expect(decideSwitch({ running: 'polling' }, 'polling')).toEqual({ kind: 'already', mode: 'polling' });
  });

  it('a fresh stack only remembers the mode', () => {
    expect(decideSwitch({}, 'debezium')).toEqual({ kind: 'switch', from: undefined, to: 'debezium', steps: [] });
  });

  it('polling -> Debezium stops the polling relay first, then starts the Debezium one', () => {
    expect(decideSwitch({ remembered: 'polling', running: 'polling' }, 'debezium')).toEqual({
      kind: 'switch',
      from: 'polling',
      to: 'debezium',
      steps: ['stop-relay', 'start-relay'],
    });
  });

  it('polling -> Debezium on a stopped stack only remembers', () => {
    expect(decideSwitch({ remembered: 'polling' }, 'debezium')).toEqual({
      kind: 'switch',
      from: 'polling',
      to: 'debezium',
      steps: [],
    });
  });

  it('Debezium -> polling retires the connector between stopping and starting the relay', () => {
    expect(decideSwitch({ remembered: 'debezium', running: 'debezium' }, 'polling')).toEqual({
      kind: 'switch',
      from: 'debezium',
      to: 'polling',
      steps: ['stop-relay', 'retire-connector', 'start-relay'],
    });
  });

  it('Debezium -> polling retires the connector also when no relay runs', () => {
    expect(decideSwitch({ remembered: 'debezium' }, 'polling')).toEqual({
      kind: 'switch',
      from: 'debezium',
      to: 'polling',
      steps: ['retire-connector'],
    });
  });

  it('a polling relay running on a Debezium stack: the connector is retired too', () => {
    expect(decideSwitch({ remembered: 'debezium', running: 'polling' }, 'polling')).toEqual({
      kind: 'switch',
      from: 'polling',
      to: 'polling',
      steps: ['stop-relay', 'retire-connector', 'start-relay'],
    });
  });

  it('a Debezium relay running on a polling stack is already in Debezium mode', () => {
    expect(decideSwitch({ remembered: 'polling', running: 'debezium' }, 'debezium')).toEqual({
      kind: 'already',
      mode: 'debezium',
    });
  });
});
