import { expect, test } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';
import { MIA, BO, youngPersonWrites, logIn } from './people';

// Bo talks with a 15-year-old who wants treatment; Mia is the coordinator.
// The test command creates both accounts.

test.describe.configure({ mode: 'serial' });
test.use({ locale: 'da-DK' });
test.skip(({ isMobile }) => isMobile, 'the counsellors are at desktops');

test('an under-18 course becomes an active treatment case only with the parents and the case worker, and the coordinator sees it in the audit log', async ({ page: bo, browser, baseURL }) => {
  await logIn(bo, BO, 'Bo');
  const name = `Eli${Date.now() % 1_000_000}`;
  const youth = await youngPersonWrites(browser, baseURL!, name, 'Jeg vil gerne have hjælp til at stoppe');
  await bo.getByRole('region', { name: /^Kø/ }).getByRole('listitem').filter({ hasText: name }).getByRole('button', { name: 'Tag samtalen' }).click();
  const reply = bo.getByRole('combobox', { name: `Svar til ${name}` });
  await reply.fill('Vil du starte et forløb hos os? Så skal vi vide, hvem du er.');
  await reply.press('Enter');

  // The walk-through starts from the chat, with the course loaded.
  await bo.getByRole('button', { name: 'Overgang til behandling' }).click();
  await expect(bo.getByRole('heading', { name: 'Overgang fra anonymt forløb til behandling' })).toBeVisible();
  await expect(bo.locator('#case-age')).toHaveText('15–17');
  await bo.getByRole('button', { name: 'Gem sagen' }).click();
  await expect(bo.getByRole('alert').filter({ hasText: 'Sæt flueben ved den unges samtykke først.' }).first()).toBeVisible();
  await bo.getByLabel('Den unge har givet samtykke til overgang til behandling').check();
  await bo.getByLabel('Fulde navn').fill('Eli Testesen');
  await bo.getByLabel('CPR-nummer').fill('310209-4321');
  await bo.getByLabel('Telefon').fill('+45 12 34 56 78');
  // Only the young person's own message comes along.
  await bo.getByRole('checkbox', { name: /Jeg vil gerne have hjælp til at stoppe/ }).check();
  await expectNoSeriousA11yViolations(bo);
  await bo.getByRole('button', { name: 'Gem sagen' }).click();
  await expect(bo.getByRole('alert').filter({ hasText: 'rigtig dato' }).first()).toBeVisible();
  await bo.getByLabel('CPR-nummer').fill('280209-4321');
  await bo.getByRole('button', { name: 'Gem sagen' }).click();

  // Saved as pending: activation is refused until the parents and the case worker are recorded.
  const heading = bo.getByRole('heading', { name: /^Sag \d+/ });
  await expect(heading).toContainText('Afventer');
  const caseNumber = (await heading.textContent())!.match(/Sag (\d+)/)![1];
  const casePage = bo.locator('article.case-page');
  await expect(casePage.getByText('280209-4321')).toBeVisible();
  await expect(casePage.getByText('Jeg vil gerne have hjælp til at stoppe')).toBeVisible();
  await bo.getByRole('button', { name: 'Gør sagen aktiv' }).click();
  await expect(bo.getByRole('alert').filter({ hasText: 'Forældrenes samtykke mangler' })).toBeVisible();
  await bo.getByLabel('Givet af (fx mor og far)').fill('Mor og far');
  // Two forms, each with its own "Registrér": the parents' comes first.
  await bo.getByRole('button', { name: 'Registrér', exact: true }).first().click();
  await expect(bo.getByText(/Forældrene \(Mor og far\)/)).toBeVisible();
  await bo.getByRole('button', { name: 'Gør sagen aktiv' }).click();
  await expect(bo.getByRole('alert').filter({ hasText: 'Kommunens sagsbehandler mangler' })).toBeVisible();
  await bo.getByLabel('Kommunens sagsbehandler (navn eller journalnr.)').fill('Rådhuset, j.nr. 27.12.04');
  await bo.getByRole('button', { name: 'Registrér', exact: true }).click();
  // Activate once the case worker is on the case: clicked before the
  // registration has landed, activation is (rightly) refused again.
  await expect(casePage.locator('dd').filter({ hasText: 'Rådhuset, j.nr. 27.12.04' })).toBeVisible();
  await bo.getByRole('button', { name: 'Gør sagen aktiv' }).click();
  await expect(heading).toContainText('Aktiv');

  // A session in the log.
  await bo.getByLabel('Kort note').fill('Første samtale, gåtur');
  await bo.getByRole('button', { name: 'Registrér samtale' }).click();
  await expect(bo.getByRole('cell', { name: 'Første samtale, gåtur' })).toBeVisible();
  await expectNoSeriousA11yViolations(bo);

  // Mia, the coordinator, sees who did what to the case, and the log holds.
  const miaContext = await browser.newContext({ baseURL, locale: 'da-DK' });
  const mia = await miaContext.newPage();
  await logIn(mia, MIA, 'Mia');
  await mia.getByRole('navigation', { name: 'Sider' }).getByRole('button', { name: 'Team' }).click();
  await mia.getByRole('button', { name: 'Vis loggen' }).click();
  const subject = `case:${caseNumber}`;
  const rows = mia.getByRole('row').filter({ hasText: subject });
  for (const action of ['Sag oprettet (overgang)', 'Sag ændret', 'Sag aktiv']) {
    await expect(rows.filter({ hasText: action }).first()).toBeVisible();
  }
  await expect(rows.filter({ hasText: 'Sag oprettet (overgang)' })).toContainText(BO.login);
  await expect(mia.getByText('Eli Testesen')).toHaveCount(0);
  await mia.getByRole('button', { name: 'Kontrollér loggen' }).click();
  await expect(mia.getByText(/Loggen er intakt/)).toBeVisible();

  await miaContext.close();
  // The young person ends the anonymous chat: Bo's hands are free again
  // for the tests that follow.
  await youth.getByRole('button', { name: 'Afslut chat' }).click();
  await expect(youth.getByText('Samtalen er slut. Tak fordi du skrev.')).toBeVisible();
  await youth.context().close();
});
