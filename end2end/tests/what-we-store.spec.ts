import { expect, test } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';

test.describe('what we store', () => {
  test.use({ locale: 'da-DK' });

  test('the front door links to it, and it says how long conversations are kept', async ({ page }) => {
    await page.goto('/');
    await page.getByRole('link', { name: 'Hvad gemmer vi?' }).click();
    await expect(page).toHaveURL(/\/hvad-vi-gemmer$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Hvad gemmer vi?' })).toBeVisible();
    await expect(page.getByText(/slettes \d+ dage? efter/)).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Det gemmer vi aldrig' })).toBeVisible();
    await expect(page.getByText('Din IP-adresse')).toBeVisible();
    await expect(page.getByRole('link', { name: /Hurtig exit/ })).toBeVisible();
    await expectNoSeriousA11yViolations(page);
  });

  test('the language links switch to English without any script', async ({ page }) => {
    const pageErrors: Error[] = [];
    page.on('pageerror', (e) => pageErrors.push(e));
    await page.goto('/hvad-vi-gemmer');
    await page.getByRole('navigation', { name: 'Sprog' }).getByRole('link', { name: 'English' }).click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.getByRole('heading', { level: 1, name: 'What do we store?' })).toBeVisible();
    await expect(page.getByText(/deleted \d+ days? after/)).toBeVisible();
    await expect(
      page.getByRole('navigation', { name: 'Language' }).getByRole('link', { name: 'English' }),
    ).toHaveAttribute('aria-current', 'page');
    expect(pageErrors).toEqual([]);
  });
});
