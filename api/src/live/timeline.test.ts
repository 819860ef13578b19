import { timelineOf, type TransitionRecord } from './timeline';

const t = (s: string) => new Date(`2026-12-06T12:00:${s}Z`);
const row = (to: TransitionRecord['to'], at: string, more: Partial<TransitionRecord> = {}): TransitionRecord => ({
  to,
  attempt: 1,
  at: t(at),
  reportedAt: null,
  publishedAt: null,
  ...more,
});

it('tells a completed file as committed, published, processing, uploaded, completed', () => {
  const steps = timelineOf([
    row('pending', '00.000'),
    row('processing', '00.300', { reportedAt: t('00.200'), publishedAt: t('00.010') }),
    row('completed', '00.400', { reportedAt: t('00.350'), publishedAt: t('00.010') }),
  ]).steps;
  expect(steps.map((s) => s.step)).toEqual(['committed', 'published', 'processing', 'uploaded', 'completed']);
  expect(steps[1]?.at).toBe('2026-12-06T12:00:00.010Z');
});

it('leaves out what the records do not tell: a pending file is only committed', () => {
  expect(timelineOf([row('pending', '00.000')]).steps.map((s) => s.step)).toEqual(['committed']);
});

it('takes the published time from the outcome when processing was overtaken', () => {
  const steps = timelineOf([
    row('pending', '00.000'),
    row('completed', '00.400', { reportedAt: t('00.350'), publishedAt: t('00.010') }),
  ]).steps;
  expect(steps.map((s) => s.step)).toEqual(['committed', 'published', 'uploaded', 'completed']);
});

it('shows the current attempt only', () => {
  const tl = timelineOf([
    row('pending', '00.000'),
    row('failed', '00.100', { reportedAt: t('00.090') }),
    row('pending', '01.000', { attempt: 2 }),
  ]);
  expect(tl).toEqual({ attempt: 2, steps: [{ step: 'committed', at: '2026-12-06T12:00:01.000Z' }] });
});
