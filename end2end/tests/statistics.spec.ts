import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';
import { MIA, logIn, youngPersonWrites } from './people';

// Mia, the coordinator, opens the activity statistics: this month's figures
// as charts each beside its table, the CSV download (small numbers
// suppressed), then the month before.

test.use({ locale: 'da-DK' });
test.skip(({ isMobile }) => isMobile, 'the coordinator is at a desktop');

const MONTHS = ['januar', 'februar', 'marts', 'april', 'maj', 'juni', 'juli', 'august', 'september', 'oktober', 'november', 'december'];

/** `YYYY-MM` of the month `delta` months from this one. */
function monthKey(delta: number): string {
  const now = new Date();
  const month = new Date(now.getFullYear(), now.getMonth() + delta, 1);
  return `${month.getFullYear()}-${String(month.getMonth() + 1).padStart(2, '0')}`;
}

function monthName(key: string): string {
  const [year, month] = key.split('-');
  return `${MONTHS[Number(month) - 1]} ${year}`;
}

/** Reads RFC 4180 text (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { record.push(field); field = ''; }
    else if (c === '\r' && text[i + 1] === '\n') { record.push(field); records.push(record); record = []; field = ''; i++; }
    else field += c;
  }
  return records;
}

test('Mia reads the month in charts and tables, downloads the CSV and switches month', async ({ page, browser, baseURL }) => {
  // Someone writes this month, so there is a contact to count.
  const youth = await youngPersonWrites(browser, baseURL ?? '', 'Stat', 'Jeg vil gerne snakke');
  await youth.close();

  await logIn(page, MIA, 'Mia');
  await page.getByRole('navigation', { name: 'Sider' }).getByRole('button', { name: 'Statistik' }).click();
  await expect(page.getByRole('heading', { name: 'Aktivitetsstatistik', level: 2 })).toBeVisible();

  const thisMonth = monthKey(0);
  await expect(page.getByRole('heading', { level: 3, name: new RegExp(`^${monthName(thisMonth)}`) })).toBeVisible();
  await expect(page.getByLabel('Måned', { exact: true })).toHaveValue(thisMonth);
  const contacts = Number(await page.locator('.stats-keys div').filter({ hasText: 'Kontakter i alt' }).locator('dd').innerText());
  expect(contacts).toBeGreaterThanOrEqual(1);

  // Every chart has its table beside it, and a name for screen readers.
  const channels = page.getByRole('figure', { name: 'Kontakter efter kanal' });
  await expect(channels.getByRole('img', { name: /^Kontakter efter kanal: Chat \d+, Brev \d+, Booket samtale \d+$/ })).toBeVisible();
  await expect(channels.getByRole('row', { name: /Chat/ })).toBeVisible();
  await expect(page.getByRole('figure', { name: /Årets minimumskrav for \d+ rådgivere/ })).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  // The CSV: the header, the period, and the contacts (under 3 shown as "<3").
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Hent CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`statistik-${thisMonth}.csv`);
  const text = (await readFile(await download.path())).toString('utf8');
  expect(text.startsWith('\uFEFF')).toBe(true);
  const rows = parseCsv(text.slice(1));
  expect(rows[0]).toEqual(['section', 'figure', 'key', 'label', 'value']);
  expect(rows.find((r) => r[1] === 'period')?.[4]).toBe(thisMonth);
  const csvContacts = rows.find((r) => r[1] === 'contacts')?.[4];
  expect(csvContacts).toBe(contacts < 3 ? '<3' : String(contacts));
  expect(rows.find((r) => r[1] === 'contacts')?.[3]).toBe('Kontakter i alt');

  // The month before: its own title, field and links.
  const lastMonth = monthKey(-1);
  await page.getByRole('button', { name: 'Forrige periode' }).click();
  await expect(page.getByRole('heading', { level: 3, name: new RegExp(`^${monthName(lastMonth)}`) })).toBeVisible();
  await expect(page.getByLabel('Måned', { exact: true })).toHaveValue(lastMonth);
  await expect(page.getByRole('link', { name: 'Hent CSV' })).toHaveAttribute('href', `/api/statistics/csv?period=${lastMonth}&lang=da`);
  await expect(page.getByRole('link', { name: 'Udskriftsvenlig rapport' })).toHaveAttribute('href', `/api/statistics/report?period=${lastMonth}&lang=da`);

  // The whole year, then the printable report.
  await page.getByRole('radio', { name: 'Et helt år' }).check();
  await expect(page.getByLabel('År', { exact: true })).toHaveValue(lastMonth.slice(0, 4));
  const report = await page.context().newPage();
  await report.goto(`/api/statistics/report?period=${thisMonth}&lang=da`);
  await expect(report.getByRole('heading', { level: 1, name: `Aktivitetsstatistik ${monthName(thisMonth)}` })).toBeVisible();
  await expectNoSeriousA11yViolations(report);
});
