import { parseForwardResult } from './watermill-peer';

describe('parseForwardResult', () => {
  it('reads the last JSON line among the progress lines', () => {
    const output = 'forwarded 40 of 100 in 5 s\n{"finished":true,"forwarded":100,"seconds":9.5}\n';
    expect(parseForwardResult(output)).toEqual({ finished: true, forwarded: 100, seconds: 9.5 });
  });

  it('fails with what the forwarder printed when there is no result', () => {
    expect(() => parseForwardResult('watermill-forwarder: connection refused\n')).toThrow(/connection refused/);
  });
});
