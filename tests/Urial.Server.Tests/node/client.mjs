// The official openai npm package as a client of the Urial server: usage `node client.mjs <baseURL> <apiKey>`.
// Prints one JSON object with what it saw; Urial.Server.Tests (NodeClientTests) checks it.
import OpenAI from 'openai';

const [baseURL, apiKey] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });
const messages = [{ role: 'user', content: 'Tell me a story about a cat.' }];

const completion = await client.chat.completions.create({ model: 'stories260K', messages, max_tokens: 16, temperature: 0 });

const stream = await client.chat.completions.create({
  model: 'stories260K', messages, max_tokens: 16, temperature: 0, stream: true, stream_options: { include_usage: true },
});
let streamed = '';
let streamUsage = null;
let finishReasons = [];
for await (const chunk of stream) {
  streamed += chunk.choices[0]?.delta?.content ?? '';
  if (chunk.choices[0]?.finish_reason) finishReasons.push(chunk.choices[0].finish_reason);
  if (chunk.usage) streamUsage = chunk.usage;
}

const weather = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Gets the weather of a city.',
    parameters: { type: 'object', properties: { city: { type: 'string', maxLength: 20 } }, required: ['city'], additionalProperties: false },
  },
};
const tools = await client.chat.completions.create({ model: 'stories260K', messages, tools: [weather], tool_choice: 'required', max_tokens: 200 });

let refused = null;
try {
  await client.chat.completions.create({ model: 'stories260K', messages, n: 2 });
} catch (error) {
  refused = { status: error.status, param: error.param ?? error.error?.param ?? null };
}

const models = [];
for await (const model of client.models.list()) models.push(model.id);

console.log(JSON.stringify({
  text: completion.choices[0].message.content,
  finishReason: completion.choices[0].finish_reason,
  usage: completion.usage,
  streamed,
  finishReasons,
  streamUsage,
  toolFinishReason: tools.choices[0].finish_reason,
  toolCall: tools.choices[0].message.tool_calls?.[0] ?? null,
  refused,
  models,
}));
