// Drives the simulator through the official twilio-node library, as a user of the library would:
// lists every page, lists one conversation, fetches a result, removes it, and fetches it again.
// Usage: node list-fetch-remove.mjs <simulator base URL> <id to fetch and remove> <conversation id>
// Prints one JSON object on stdout; SimulatorTwilioNodeTest asserts on it.
import twilio from "twilio";

const [baseUrl, id, conversationId] = process.argv.slice(2);
if (!baseUrl || !id || !conversationId) {
  console.error("usage: node list-fetch-remove.mjs <simulator base URL> <result id> <conversation id>");
  process.exit(2);
}

const client = twilio("SKtwilionode00000000000000000000", "secret", {
  accountSid: "AC00000000000000000000000000000000",
});
// The library targets https://intelligence.twilio.com; the simulator serves the same paths under its own base URL.
client.intelligence.baseUrl = baseUrl;
const results = client.intelligence.v3.operatorResults;

const listed = [];
await results.each({ pageSize: 20 }, (result) => listed.push(result.id));
const ofConversation = (await results.list({ conversationId, pageSize: 1000 })).map((r) => r.conversationId);

const fetched = await results(id).fetch();
const removed = await results(id).remove();
let statusAfterRemove = 200;
let codeAfterRemove = null;
try {
  await results(id).fetch();
} catch (error) {
  statusAfterRemove = error.status;
  codeAfterRemove = error.code;
}

console.log(JSON.stringify({
  listed,
  ofConversation,
  fetched: {
    id: fetched.id,
    conversationId: fetched.conversationId,
    outputFormat: fetched.outputFormat,
    hasResult: fetched.result !== undefined && fetched.result !== null,
  },
  removed,
  statusAfterRemove,
  codeAfterRemove,
}));
