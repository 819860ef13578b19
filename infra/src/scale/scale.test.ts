import {
  MAX_INSTANCES,
  ONE_EACH,
  ScaleError,
  formatScale,
  instanceClientId,
  instanceName,
  instancePorts,
  parseScale,
  parseTarget,
} from './scale';
import { parseUpArgs } from './up-args';

describe('parseScale', () => {
  it('sets the services named and keeps one of the others', () => {
    expect(parseScale('api=2,outbox-relay=2,file-processor=3')).toEqual({
      api: 2,
      'outbox-relay': 2,
      'file-processor': 3,
    });
    expect(parseScale(' file-processor = 3 ')).toEqual({ ...ONE_EACH, 'file-processor': 3 });
    expect(formatScale(parseScale('api=2'))).toBe('api=2,outbox-relay=1,file-processor=1');
  });

  it.each([
    ['', /needs <service>=<count>/],
    ['web=2', /unknown service "web"/],
    ['api=0', /at least 1/],
    ['api=-1', /"-1" is not a whole number/],
    ['api=two', /"two" is not a whole number/],
    ['api=1.5', /"1.5" is not a whole number/],
    [`api=${MAX_INSTANCES + 1}`, new RegExp(`at most ${MAX_INSTANCES}, got ${MAX_INSTANCES + 1}`)],
    ['api=2,api=3', /api is named twice/],
    ['api', /"api" is not <service>=<count>/],
    ['api=2=3', /is not <service>=<count>/],
    ['api=2,', /"" is not <service>=<count>/],
  ])('refuses %p with a usage error', (arg, message) => {
    expect(() => parseScale(arg)).toThrow(ScaleError);
    expect(() => parseScale(arg)).toThrow(message);
  });
});

describe('instances', () => {
  it('keeps the service name, ports and client id for instance 1, and numbers the others', () => {
    expect(instanceName({ service: 'api', index: 1 })).toBe('api');
    expect(instanceName({ service: 'file-processor', index: 3 })).toBe('file-processor.3');
    expect(instanceClientId('file-service', 1)).toBe('file-service');
    expect(instanceClientId('file-service', 3)).toBe('file-service-3');
    expect(instancePorts({ service: 'file-processor', index: 1 })).toEqual({ own: 3001 });
    expect(instancePorts({ service: 'outbox-relay', index: 2 })).toEqual({ own: 3102 });
    expect(instancePorts({ service: 'api', index: 1 })).toEqual({ own: 3003, shared: 3000 });
    expect(instancePorts({ service: 'api', index: 2 })).toEqual({ own: 3103, shared: 3000 });
  });

  it('gives no two instances of any service the same own port', () => {
    const ports = (['api', 'outbox-relay', 'file-processor'] as const).flatMap((service) =>
      Array.from({ length: MAX_INSTANCES }, (_, i) => instancePorts({ service, index: i + 1 }).own),
    );
    expect(new Set(ports).size).toBe(ports.length);
    expect(ports).not.toContain(3000);
  });

  it('reads a service (all instances) or one instance from a name', () => {
    expect(parseTarget('api')).toEqual({ service: 'api' });
    expect(parseTarget('file-processor.2')).toEqual({ service: 'file-processor', index: 2 });
    expect(parseTarget('api.1')).toEqual({ service: 'api', index: 1 });
    expect(parseTarget('kafka')).toBeUndefined();
    expect(parseTarget('web.2')).toBeUndefined();
    expect(() => parseTarget('api.0')).toThrow(ScaleError);
    expect(() => parseTarget(`api.${MAX_INSTANCES + 1}`)).toThrow(/at most/);
  });
});

describe('parseUpArgs', () => {
  it('reads the flags, --scale (which implies --services) and --partitions, in either form', () => {
    expect(parseUpArgs([])).toEqual({ services: false, connect: false, prometheus: false });
    expect(parseUpArgs(['--services', '--scale', 'api=2', '--partitions=6'])).toEqual({
      services: true,
      connect: false,
      prometheus: false,
      scale: { ...ONE_EACH, api: 2 },
      partitions: 6,
    });
    expect(parseUpArgs(['--scale=file-processor=3']).services).toBe(true);
  });

  it('refuses unknown options, a --scale without a value and a bad --partitions', () => {
    expect(() => parseUpArgs(['--sevices'])).toThrow(/unknown option --sevices/);
    expect(() => parseUpArgs(['--scale', '--services'])).toThrow(/--scale needs/);
    expect(() => parseUpArgs(['--partitions', '0'])).toThrow(/--partitions: expected a whole number/);
    expect(() => parseUpArgs(['--partitions', 'many'])).toThrow(ScaleError);
  });
});
