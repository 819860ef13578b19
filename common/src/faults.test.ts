import { createFaults, parseFaultPlan, type FaultPoint } from './faults';

describe('fault plan', () => {
  it('is off without a spec', () => {
    expect(parseFaultPlan(undefined)).toBeUndefined();
    expect(parseFaultPlan('')).toBeUndefined();
  });

  it('parses point:n and rejects anything else', () => {
    expect(parseFaultPlan('processor.after-upload:3')).toEqual({ point: 'processor.after-upload', at: 3 });
    expect(() => parseFaultPlan('processor.after-upload')).toThrow(/FAULT_CRASH_AT/);
    expect(() => parseFaultPlan('nowhere:1')).toThrow(/FAULT_CRASH_AT/);
    expect(() => parseFaultPlan('relay.after-publish:0')).toThrow(/FAULT_CRASH_AT/);
  });

  it('crashes on exactly the Nth hit of the planned point', () => {
    const crashes: FaultPoint[] = [];
    const faults = createFaults({ point: 'relay.after-publish', at: 2 }, (p) => crashes.push(p));
    faults.hit('processor.after-upload');
    faults.hit('relay.after-publish');
    expect(crashes).toEqual([]);
    faults.hit('relay.after-publish');
    faults.hit('relay.after-publish');
    expect(crashes).toEqual(['relay.after-publish']);
  });
});
