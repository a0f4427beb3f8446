// Client ids for the dashboard's MQTT connections: a readable prefix and random hex.
export function generateClientId(prefix = 'dashboard', random: () => number = Math.random): string {
  let hex = '';
  for (let index = 0; index < 8; index += 1) hex += Math.floor(random() * 16).toString(16);
  return `${prefix}-${hex}`;
}
