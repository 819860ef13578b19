/**
 * The one date every rendered document carries (PDF CreationDate, DOCX created and modified), so
 * that the same input gives the same bytes on any day.
 */
export const documentDate = new Date('2000-01-01T00:00:00Z');

/**
 * The same date for zip entries, built from local-time fields: a zip stores local date and time
 * (MS-DOS format), so this reads 2000-01-01 00:00:00 in every time zone.
 */
export const zipEntryDate = new Date(2000, 0, 1, 0, 0, 0);
