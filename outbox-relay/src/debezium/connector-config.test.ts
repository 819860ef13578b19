import { connectorNamesFor, outboxConnectorConfig } from './connector-config';

const settings = { ...connectorNamesFor('filedb'), databaseUrl: 'postgresql://u%40x:p%2Fw@db.local:6543/filedb' };

it('polls every 50 ms by default, or every DEBEZIUM_POLL_INTERVAL_MS', () => {
  expect(outboxConnectorConfig(settings)['poll.interval.ms']).toBe('50');
  expect(outboxConnectorConfig({ ...settings, pollIntervalMs: 20 })['poll.interval.ms']).toBe('20');
});

it('reads the database of the URL, credentials decoded, and writes exactly once', () => {
  const c = outboxConnectorConfig(settings);
  expect(c).toMatchObject({
    'database.hostname': 'db.local',
    'database.port': '6543',
    'database.user': 'u@x',
    'database.password': 'p/w',
    'database.dbname': 'filedb',
    'slot.name': 'fileflow_filedb',
    'exactly.once.support': 'required',
  });
});
