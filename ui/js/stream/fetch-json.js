// GET a JSON document, turning an error status into HttpStatusError so the
// stream client can tell "server answered badly" from "server unreachable".
import { HttpStatusError } from './stream-client.js';

export async function fetchJson(url, init) {
  const response = await fetch(url, { cache: 'no-store', ...init });
  if (!response.ok) throw new HttpStatusError(response.status);
  return response.json();
}
