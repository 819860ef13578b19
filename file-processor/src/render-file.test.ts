import { objectKeyFor, renderFile } from './render-file';

describe('renderFile', () => {
  it('writes the title, underlined, then the description', () => {
    expect(renderFile('My Document', 'This is a test document')).toBe(
      'My Document\n===========\n\nThis is a test document\n',
    );
  });

  it('is deterministic, so a redelivery writes identical bytes', () => {
    expect(renderFile('a', 'b')).toBe(renderFile('a', 'b'));
  });
});

describe('objectKeyFor', () => {
  it('derives the key from the file id only', () => {
    expect(objectKeyFor('files/', 42)).toBe('files/42.txt');
    expect(objectKeyFor('files/', 42, 'pdf')).toBe('files/42.pdf');
    expect(objectKeyFor('files/', 42, 'docx')).toBe('files/42.docx');
  });
});
