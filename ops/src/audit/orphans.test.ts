import { orphanObjects } from './orphans';

describe('orphanObjects', () => {
  const files = [
    { id: 1, format: 'txt' as const, status: 'completed' as const },
    { id: 2, format: 'pdf' as const, status: 'pending' as const },
    { id: 3, format: 'docx' as const, status: 'expired' as const },
  ];

  it("keeps each live file's own key, and lists everything else under the prefix", () => {
    const keys = ['p/1.txt', 'p/2.pdf', 'p/2.txt', 'p/3.docx', 'p/4.txt', 'p/1.txt-5d41402a', 'p/notes.md'];
    expect(orphanObjects(files, keys, 'p/')).toEqual([
      'p/2.txt',
      'p/3.docx',
      'p/4.txt',
      'p/1.txt-5d41402a',
      'p/notes.md',
    ]);
  });

  it('lists a key outside the prefix as no file of it', () => {
    expect(orphanObjects(files, ['q/1.txt'], 'p/')).toEqual(['q/1.txt']);
  });
});
