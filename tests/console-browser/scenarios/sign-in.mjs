// An operator signs in with an API key: a wrong key is refused in words, a real one opens the console, and the key
// never appears in the address bar.
import { gateway, createApiKey, signIn, assert, uniqueName } from '../lib.mjs';

export default async function signInScenario(page) {
  await page.goto(`${gateway}/console/events`);
  await page.waitForURL(url => url.pathname === '/console/login');

  await page.getByLabel('API key').fill('rly_nope_notakey');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('This key is not valid.').waitFor();

  const key = await createApiKey(uniqueName('console-reader'), ['read']);
  await signIn(page, key);
  assert(new URL(page.url()).pathname === '/console/events', `signed in to ${page.url()}`);
  assert(!page.url().includes(key), 'the key is not in the URL');
  await page.getByText(/Signed in with rly_/).waitFor();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(url => url.pathname === '/console/login');
}
