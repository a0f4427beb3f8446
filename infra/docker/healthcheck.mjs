// Docker HEALTHCHECK probe (the images have no curl): GET the URL given as the only argument and
// exit 0 on a 2xx answer, 1 on anything else or no answer within 3 s.
const url = process.argv[2];
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
  if (!response.ok) console.error(`healthcheck: ${url} answered ${response.status}`);
  process.exit(response.ok ? 0 : 1);
} catch (error) {
  console.error(`healthcheck: ${url}: ${error instanceof Error ? (error.cause ?? error).toString() : String(error)}`);
  process.exit(1);
}
