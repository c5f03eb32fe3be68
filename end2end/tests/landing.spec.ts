import { expect, test, type Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';

const html = (page: Page) => page.locator('html');

test.describe('landing page, Danish browser', () => {
  test.use({ locale: 'da-DK' });

  test('renders in Danish with one h1, the language switch and 112', async ({ page }) => {
    await page.goto('/');
    await expect(html(page)).toHaveAttribute('lang', 'da');
    await expect(page.getByRole('heading', { level: 1 })).toHaveCount(1);

    const nav = page.getByRole('navigation', { name: 'Sprog' });
    await expect(nav).toBeVisible();
    await expect(nav.getByRole('button', { name: 'Dansk' })).toHaveAttribute('aria-pressed', 'true');
    await expect(nav.getByRole('button', { name: 'English' })).toHaveAttribute('aria-pressed', 'false');

    await expect(page.getByText('112').first()).toBeVisible();
  });

  test('quick exit is a visible external link at the top, even after scrolling', async ({ page }) => {
    await page.goto('/');
    const exit = page.getByRole('link', { name: /Hurtig exit/ });
    await expect(exit).toBeVisible();
    await expect(exit).toBeInViewport();
    await expect(exit).toHaveAttribute('href', /^https:\/\//);

    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await expect(exit).toBeInViewport();
  });

  test('Tab from the page start focuses quick exit first', async ({ page }) => {
    await page.goto('/');
    await page.keyboard.press('Tab');
    await expect(page.getByRole('link', { name: /Hurtig exit/ })).toBeFocused();
  });

  test('switching to English works in place (hydrated) and survives a reload', async ({ page, context }) => {
    const pageErrors: Error[] = [];
    page.on('pageerror', (e) => pageErrors.push(e));

    await page.goto('/');
    await expect(html(page)).toHaveAttribute('lang', 'da');
    // A marker that a full page load would wipe out.
    await page.evaluate(() => ((window as unknown as Record<string, unknown>).__e2eNoNav = true));

    const english = page.getByRole('navigation', { name: 'Sprog' }).getByRole('button', { name: 'English' });
    // The click may land before the WASM has hydrated; retry until it takes effect.
    await expect(async () => {
      if ((await html(page).getAttribute('lang')) !== 'en') await english.click({ timeout: 1_000 });
      await expect(html(page)).toHaveAttribute('lang', 'en', { timeout: 1_000 });
    }).toPass({ timeout: 20_000 });

    const nav = page.getByRole('navigation', { name: 'Language' });
    await expect(nav).toBeVisible();
    await expect(nav.getByRole('button', { name: 'English' })).toHaveAttribute('aria-pressed', 'true');
    await expect(nav.getByRole('button', { name: 'Dansk' })).toHaveAttribute('aria-pressed', 'false');
    await expect(page.getByRole('link', { name: /Quick exit/ })).toBeVisible();
    expect(
      await page.evaluate(() => (window as unknown as Record<string, unknown>).__e2eNoNav),
      'switching language must not navigate',
    ).toBe(true);

    expect((await context.cookies()).find((c) => c.name === 'lang')?.value).toBe('en');
    await page.reload();
    await expect(html(page)).toHaveAttribute('lang', 'en');
    await expect(page.getByRole('navigation', { name: 'Language' })).toBeVisible();
    expect(pageErrors, pageErrors.map((e) => e.message).join('\n')).toEqual([]);
  });

  test('quick exit wipes the tab and leaves without a way back', async ({ page }) => {
    // The neutral site is outside this machine's reach: answer for it.
    await page.route('https://www.dr.dk/**', (route) =>
      route.fulfill({ contentType: 'text/html', body: '<title>Vejret</title><p>Vejret</p>' }),
    );
    await page.goto('about:blank');
    await page.goto('/');
    await page.evaluate(() => sessionStorage.setItem('front-door-test', 'conversation'));
    // Hydrated once the language switch reacts; before that the link is a plain link.
    await expect(async () => {
      await page.getByRole('button', { name: 'English' }).click({ timeout: 1_000 });
      await expect(html(page)).toHaveAttribute('lang', 'en', { timeout: 1_000 });
    }).toPass({ timeout: 20_000 });
    await page.getByRole('link', { name: /Quick exit/ }).click();
    await expect(page).toHaveTitle('Vejret');
    await page.goBack();
    expect(page.url()).not.toContain('127.0.0.1');
    // Same tab, same origin: sessionStorage would still hold the item had it not been wiped.
    await page.goto('/');
    expect(await page.evaluate(() => sessionStorage.getItem('front-door-test'))).toBeNull();
  });

  test('Escape pressed three times leaves at once', async ({ page }) => {
    await page.route('https://www.dr.dk/**', (route) =>
      route.fulfill({ contentType: 'text/html', body: '<title>Vejret</title><p>Vejret</p>' }),
    );
    await page.goto('/');
    await expect(async () => {
      await page.keyboard.press('Escape');
      await page.keyboard.press('Escape');
      await page.keyboard.press('Escape');
      await expect(page).toHaveTitle('Vejret', { timeout: 1_000 });
    }).toPass({ timeout: 20_000 });
  });

  test('the page runs with its strict content security policy and no errors', async ({ page }) => {
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    const response = await page.goto('/');
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("'wasm-unsafe-eval'");
    expect(csp).not.toContain('unsafe-inline');
    await expect(async () => {
      await page.getByRole('button', { name: 'English' }).click({ timeout: 1_000 });
      await expect(html(page)).toHaveAttribute('lang', 'en', { timeout: 1_000 });
    }).toPass({ timeout: 20_000 });
    expect(problems, problems.join('\n')).toEqual([]);
  });

  test('has no serious accessibility violations (Danish)', async ({ page }) => {
    await page.goto('/');
    await expect(html(page)).toHaveAttribute('lang', 'da');
    await expectNoSeriousA11yViolations(page);
  });

  test('has no horizontal scroll', async ({ page }) => {
    await page.goto('/');
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({
      scrollWidth: document.scrollingElement!.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
  });

  test('unknown URL answers 404 with the page layout and a heading', async ({ page }) => {
    const response = await page.goto('/does-not-exist');
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await expect(page.getByRole('link', { name: /Hurtig exit/ })).toBeVisible();
  });
});

test.describe('landing page, English browser', () => {
  test.use({ locale: 'en-GB' });

  test('picks English from Accept-Language on first load', async ({ page }) => {
    await page.goto('/');
    await expect(html(page)).toHaveAttribute('lang', 'en');
    await expect(page.getByRole('navigation', { name: 'Language' })).toBeVisible();
    await expect(page.getByRole('link', { name: /Quick exit/ })).toBeVisible();
  });

  test('has no serious accessibility violations (English)', async ({ page }) => {
    await page.goto('/');
    await expect(html(page)).toHaveAttribute('lang', 'en');
    await expectNoSeriousA11yViolations(page);
  });
});

test('/healthz answers 200', async ({ request }) => {
  const response = await request.get('/healthz');
  expect(response.status()).toBe(200);
});
