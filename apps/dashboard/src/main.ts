// Placeholder dashboard: shows the MQTT-over-WebSocket URL of the origin that served the page.
const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
const target = document.getElementById('mqtt-url');
if (target) target.textContent = `${scheme}://${location.host}/mqtt`;
