import { expect, test, type Locator, type Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';
import { MIA, BO, endChat, youngPersonWrites, logIn } from './people';

// Two counsellors at their laptops (Mia is also the coordinator) and young
// people on phones. The test command creates both accounts.

test.describe.configure({ mode: 'serial' });
test.use({ locale: 'da-DK' });
test.skip(({ isMobile }) => isMobile, 'the counsellors are at desktops');

const nickname = (prefix: string) => `${prefix}${Date.now() % 1_000_000}`;

const queue = (console: Page) => console.getByRole('region', { name: /^Kø/ });

test('a risk word moves a chat to the top; the keyboard takes it and a / inserts a canned reply', async ({ page: console, browser, baseURL }) => {
  await logIn(console, MIA, 'Mia');
  const calm = nickname('Ada');
  const worried = nickname('Ben');
  const first = await youngPersonWrites(browser, baseURL!, calm, 'Hej, jeg vil bare spørge om noget');
  await expect(queue(console).getByRole('listitem').filter({ hasText: calm })).toBeVisible();
  const second = await youngPersonWrites(browser, baseURL!, worried, 'Jeg tror jeg har taget en overdosis');

  // The later chat with a risk word is first, and says which word matched.
  const top = queue(console).getByRole('listitem').first();
  await expect(top).toContainText(worried);
  await expect(top).toContainText('Risikoord: overdosis');
  await expectNoSeriousA11yViolations(console);

  // Keyboard only: Alt+Q goes to the queue's first chat, Enter takes it.
  // Wait for the focus a sighted user waits for: Enter pressed before it
  // lands goes nowhere (as the two other Alt+Q tests below do).
  await console.keyboard.press('Alt+KeyQ');
  await expect(top.getByRole('button', { name: 'Tag samtalen' })).toBeFocused();
  await console.keyboard.press('Enter');
  const reply = console.getByRole('combobox', { name: `Svar til ${worried}` });
  await expect(reply).toBeFocused();

  // "/" opens the canned replies; Enter inserts the chosen one for editing.
  await reply.pressSequentially('/tryg');
  await expect(console.getByRole('listbox', { name: 'Standardsvar' })).toBeVisible();
  await reply.press('Enter');
  await expect(reply).toHaveValue(/Er du i sikkerhed lige nu\?/);
  await reply.press('Enter');
  await expect(second.getByRole('listitem').filter({ hasText: 'Er du i sikkerhed lige nu?' })).toBeVisible();

  // A CPR-like number is refused in a course note as it is typed (the
  // server refuses it too); a plain note is kept.
  const note = console.getByRole('textbox', { name: /Ny note/ });
  await note.fill('Sagde sit cpr 010203-1234');
  await expect(console.getByText('ligner et CPR-nummer')).toBeVisible();
  await expect(console.getByRole('button', { name: 'Gem note' })).toBeDisabled();
  await note.fill('Ryger mest i weekenden, vil gerne skære ned');
  await console.getByRole('button', { name: 'Gem note' }).click();
  await expect(console.getByRole('complementary').getByText('Ryger mest i weekenden')).toBeVisible();
  await expectNoSeriousA11yViolations(console);

  await endChat(console, worried);
  await first.context().close();
  await second.context().close();
});

test('a transfer hands the chat to a colleague and the young person notices nothing but the name', async ({ page: mia, browser, baseURL }) => {
  await logIn(mia, MIA, 'Mia');
  const boContext = await browser.newContext({ baseURL, locale: 'da-DK' });
  const bo = await boContext.newPage();
  await logIn(bo, BO, 'Bo');

  const name = nickname('Cai');
  const youth = await youngPersonWrites(browser, baseURL!, name, 'Hej, er der nogen?');
  await queue(mia).getByRole('listitem').filter({ hasText: name }).getByRole('button', { name: 'Tag samtalen' }).click();
  const reply = mia.getByRole('combobox', { name: `Svar til ${name}` });
  await reply.fill('Hej, jeg hedder Mia');
  await reply.press('Enter');
  await expect(youth.getByRole('listitem').filter({ hasText: 'Hej, jeg hedder Mia' })).toBeVisible();

  await mia.getByRole('button', { name: 'Giv videre' }).click();
  const form = mia.locator('form[aria-labelledby="transfer-heading"]');
  const target = form.getByRole('combobox', { name: 'Til' });
  const boOption = target.locator('option', { hasText: 'Bo' });
  await expect(boOption).toHaveCount(1);
  await target.selectOption(await boOption.getAttribute('value'));
  await form.getByRole('textbox', { name: /Overleveringsnote/ }).fill('Vil gerne tale om at stoppe');
  await expectNoSeriousA11yViolations(mia);
  await form.getByRole('button', { name: 'Giv videre' }).click();

  // Bo has the whole conversation and the note; Mia's tab is gone. (Bo
  // may have other chats from earlier tests open: he picks this one.)
  await bo.locator('.tabs .tab').filter({ hasText: name }).click();
  const chat = bo.getByRole('article', { name });
  await expect(chat.getByRole('listitem').filter({ hasText: 'Hej, er der nogen?' })).toBeVisible();
  await expect(chat.getByRole('listitem').filter({ hasText: 'Hej, jeg hedder Mia' })).toBeVisible();
  await expect(bo.getByText('Vil gerne tale om at stoppe')).toBeVisible();
  await expect(mia.getByRole('article', { name })).toHaveCount(0);

  // The young person sees Bo's name, never an ending, and talks on.
  await expect(youth.getByRole('status')).toContainText('Bo er her nu.');
  await expect(youth.getByText('Samtalen er slut')).toHaveCount(0);
  const composer = youth.getByRole('textbox', { name: 'Din besked' });
  await composer.fill('Okay, hej Bo');
  await composer.press('Enter');
  await expect(chat.getByRole('listitem').filter({ hasText: 'Okay, hej Bo' })).toBeVisible();
  await expect(youth.getByRole('listitem').filter({ hasText: 'Hej, er der nogen?' })).toBeVisible();

  await endChat(bo, name);
  await youth.context().close();
  await boContext.close();
});

test('the coordinator sees the team and the settings', async ({ page: console }) => {
  await logIn(console, MIA, 'Mia');
  await console.getByRole('button', { name: 'Team' }).click();
  await expect(console.getByRole('rowheader', { name: BO.login, exact: true })).toBeVisible();
  // How many chats Bo takes at once (the test command made it 8): changed,
  // and back again, each saved at once.
  const boMax = console.getByRole('combobox', { name: 'Chats ad gangen for Bo' });
  await expect(boMax).toHaveValue('8');
  const saved = () => console.waitForResponse((r) => r.url().endsWith('/max-chats') && r.status() === 200);
  await Promise.all([saved(), boMax.selectOption('7')]);
  // Stored: a fresh page shows it too.
  await console.reload();
  await expect(console.getByText('Forbundet')).toBeVisible();
  await console.getByRole('button', { name: 'Team' }).click();
  await expect(boMax).toHaveValue('7');
  await Promise.all([saved(), boMax.selectOption('8')]);
  await console.reload();
  await expect(console.getByText('Forbundet')).toBeVisible();
  await console.getByRole('button', { name: 'Team' }).click();
  await expect(boMax).toHaveValue('8');
  await expectNoSeriousA11yViolations(console);
  await console.getByRole('button', { name: 'Indstillinger' }).click();
  await expect(console.getByRole('heading', { name: 'Indstillinger' })).toBeVisible();
  await expectNoSeriousA11yViolations(console);
  await console.getByRole('button', { name: 'Samtaler' }).click();
  await expect(queue(console)).toBeVisible();
});

/** Presses `key` (Tab by default) until `target` has the keyboard focus. */
async function tabTo(page: Page, target: Locator, key = 'Tab') {
  for (let presses = 0; presses < 60; presses++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press(key);
  }
  throw new Error(`not reachable with ${key}: ${target}`);
}

/** Takes `name`'s chat with the keyboard: Alt+Q to the queue's first claim
 * button, Tab on to theirs (earlier tests may leave chats waiting), Enter. */
async function claimByKeyboard(page: Page, name: string) {
  const claim = queue(page).getByRole('listitem').filter({ hasText: name }).getByRole('button', { name: 'Tag samtalen' });
  await expect(claim).toBeVisible();
  await page.keyboard.press('Alt+KeyQ');
  await expect(queue(page).getByRole('button', { name: 'Tag samtalen' }).first()).toBeFocused();
  await tabTo(page, claim);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('combobox', { name: `Svar til ${name}` })).toBeFocused();
}

/** Logs in with the keyboard alone: the login field has the focus. */
async function logInByKeyboard(page: Page, who: { login: string; password: string }, firstName: string) {
  await page.goto('/console');
  await expect(page.getByRole('textbox', { name: 'Brugernavn' })).toBeFocused();
  await page.keyboard.type(who.login);
  await page.keyboard.press('Tab');
  await page.keyboard.type(who.password);
  await page.keyboard.press('Enter');
  await expect(page.getByText(`Logget ind som ${firstName}`)).toBeVisible();
}

test('two counsellors run a busy queue with the keyboard alone, a risk word first and a transfer included', async ({ page: mia, browser, baseURL }) => {
  await logInByKeyboard(mia, MIA, 'Mia');
  const boContext = await browser.newContext({ baseURL, locale: 'da-DK' });
  const bo = await boContext.newPage();
  await logInByKeyboard(bo, BO, 'Bo');

  // Three young people write; the last one's risk word puts them first.
  const names = [nickname('Dan'), nickname('Eva'), nickname('Finn')];
  const first = await youngPersonWrites(browser, baseURL!, names[0], 'Hej, jeg har et spørgsmål om hash');
  const second = await youngPersonWrites(browser, baseURL!, names[1], 'Min bror drikker hver dag');
  const urgent = await youngPersonWrites(browser, baseURL!, names[2], 'Jeg vil ikke leve mere');
  await expect(queue(mia).getByRole('listitem').first()).toContainText(names[2]);
  await expect(queue(bo).getByRole('listitem').first()).toContainText(names[2]);

  // Mia takes the first chat in the queue (the urgent one) and answers.
  await mia.keyboard.press('Alt+KeyQ');
  await expect(queue(mia).getByRole('listitem').first().getByRole('button', { name: 'Tag samtalen' })).toBeFocused();
  await mia.keyboard.press('Enter');
  const miaReply = mia.getByRole('combobox', { name: `Svar til ${names[2]}` });
  await expect(miaReply).toBeFocused();
  await mia.keyboard.type('Hej, jeg hedder Mia. Er du i sikkerhed lige nu?');
  await mia.keyboard.press('Enter');
  await expect(urgent.getByRole('listitem').filter({ hasText: 'Er du i sikkerhed lige nu?' })).toBeVisible();

  // Bo takes another.
  await claimByKeyboard(bo, names[0]);
  await bo.keyboard.type('Hej, du skriver med Bo');
  await bo.keyboard.press('Enter');
  await expect(first.getByRole('listitem').filter({ hasText: 'du skriver med Bo' })).toBeVisible();

  // Mia hands the urgent chat to Bo: Tab to "Giv videre", choose Bo with
  // the arrow keys, write the note, Tab to the button, Enter.
  await tabTo(mia, mia.getByRole('button', { name: 'Giv videre' }));
  await mia.keyboard.press('Enter');
  const target = mia.getByRole('combobox', { name: 'Til', exact: true });
  await expect(target).toBeFocused();
  for (let presses = 0; presses < 5; presses++) {
    if (/Bo/.test(await target.locator('option:checked').innerText())) break;
    await mia.keyboard.press('ArrowDown');
  }
  await expect(target.locator('option:checked')).toContainText('Bo');
  await mia.keyboard.press('Tab');
  await expect(mia.getByRole('textbox', { name: /Overleveringsnote/ })).toBeFocused();
  await mia.keyboard.type('Har tanker om ikke at ville leve. Spurgt til sikkerhed.');
  await tabTo(mia, mia.locator('form[aria-labelledby="transfer-heading"]').getByRole('button', { name: 'Giv videre' }));
  await mia.keyboard.press('Enter');
  await expect(mia.getByRole('article', { name: names[2] })).toHaveCount(0);

  // Bo now has it among his chats: Alt+<its number> goes there, showing
  // the note and why it is urgent; he answers without touching the mouse.
  await expect(bo.locator('.tabs .tab-name').filter({ hasText: names[2] })).toBeVisible();
  const tabs = await bo.locator('.tabs .tab-name').allInnerTexts();
  const number = tabs.findIndex((tab) => tab.includes(names[2])) + 1;
  expect(number).toBeGreaterThan(0);
  await bo.keyboard.press(`Alt+Digit${number}`);
  const boReply = bo.getByRole('combobox', { name: `Svar til ${names[2]}` });
  await expect(boReply).toBeFocused();
  await expect(bo.getByText('Spurgt til sikkerhed')).toBeVisible();
  await expect(bo.getByRole('article', { name: names[2] })).toContainText('Risikoord');
  await bo.keyboard.type('Hej, det er Bo nu. Jeg er her stadig.');
  await bo.keyboard.press('Enter');
  await expect(urgent.getByRole('listitem').filter({ hasText: 'Jeg er her stadig.' })).toBeVisible();
  await expect(urgent.getByRole('status')).toContainText('Bo er her nu.');

  // Mia takes the last of the three and closes it with an outcome, still
  // by keyboard.
  await claimByKeyboard(mia, names[1]);
  await tabTo(mia, mia.getByRole('button', { name: 'Afslut…' }));
  await mia.keyboard.press('Enter');
  const outcome = mia.getByLabel('Hvordan endte samtalen?');
  await expect(outcome).toBeFocused();
  await mia.keyboard.press('ArrowDown');
  await tabTo(mia, mia.getByRole('button', { name: 'Afslut samtalen' }));
  await mia.keyboard.press('Enter');
  await expect(second.getByRole('status')).toContainText('Samtalen er slut');
  await expectNoSeriousA11yViolations(mia);
  await expectNoSeriousA11yViolations(bo);

  await endChat(bo, names[0]);
  await endChat(bo, names[2]);
  for (const page of [first, second, urgent]) await page.context().close();
  await boContext.close();
});
