// Runs one workflow through @stable-canvas/comfyui-client, unmodified, against the server at argv[2]
// (host:port), and prints what the client saw as one JSON line.
import { Client } from "@stable-canvas/comfyui-client";
import WebSocket from "ws";
import { readFileSync } from "node:fs";

const [host, promptFile] = process.argv.slice(2);
const prompt = JSON.parse(readFileSync(promptFile, "utf8"));
const client = new Client({ api_host: host, clientId: "npm-client", WebSocket, fetch });
client.connect();

const stats = await client.getSystemStats();
const nodeDefs = await client.getNodeDefs();
const result = await client.enqueue(prompt, { disable_random_seed: true });
const images = [];
for (const image of result.images) {
  const response = await fetch(image.data);
  const bytes = new Uint8Array(await response.arrayBuffer());
  images.push({ url: image.data, status: response.status, length: bytes.length, head: Array.from(bytes.slice(0, 8)) });
}
// The client resolves on the run's last messages; the history entry, as in ComfyUI, is written right after them.
let history = {};
for (let attempt = 0; attempt < 50 && !history[result.prompt_id]; attempt++) {
  if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100));
  history = await (await fetch(`http://${host}/history/${result.prompt_id}`)).json();
}
const queue = await client.getQueue();
client.close();
console.log(JSON.stringify({
  prompt_id: result.prompt_id,
  os: stats.system.os,
  has_save_image: "SaveImage" in nodeDefs,
  images,
  history_status: history[result.prompt_id]?.status?.status_str ?? null,
  queue_left: queue.Running.length + queue.Pending.length,
}));
process.exit(0);
