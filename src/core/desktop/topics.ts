/**
 * OpenAjax Hub 2.0 topics, as Shindig's pubsub-2 ManagedHub routes them, and Finesse's names.
 * A topic is tokens joined by `.`; a subscription may use `*` for exactly one token and `**`
 * (last only) for one or more; a publish names a topic without wildcards.
 */

/** finesse.js `Topics.getTopic`: `/finesse/api/User/1001/Dialogs` → `finesse.api.User.1001.Dialogs`. */
export function nodeTopic(node: string): string {
  return (node.startsWith('/') ? node.slice(1) : node).replace(/\//g, '.');
}

/** Why a subscription topic is not valid OpenAjax (undefined when it is). */
export function badSubscription(topic: string): string | undefined {
  if (typeof topic !== 'string' || !topic) return 'the topic is empty';
  const tokens = topic.split('.');
  if (tokens.some((t) => t === '')) return `the topic "${topic}" has an empty token`;
  const i = tokens.indexOf('**');
  if (i >= 0 && i !== tokens.length - 1) return `"**" may only be the last token of "${topic}"`;
  if (tokens.some((t) => t !== '*' && t !== '**' && /\*/.test(t))) return `a token of "${topic}" mixes "*" with text`;
  return undefined;
}

/** Why a publish topic is not valid (wildcards are for subscribing only). */
export function badPublish(topic: string): string | undefined {
  if (typeof topic !== 'string' || !topic) return 'the topic is empty';
  if (topic.split('.').some((t) => t === '')) return `the topic "${topic}" has an empty token`;
  if (topic.includes('*')) return `a published topic may not contain "*": "${topic}"`;
  return undefined;
}

/** Whether a subscription topic (with wildcards) matches a published topic. */
export function topicMatches(subscription: string, topic: string): boolean {
  if (subscription === topic) return true;
  const want = subscription.split('.');
  const got = topic.split('.');
  for (let i = 0; i < want.length; i++) {
    if (want[i] === '**') return got.length > i;
    if (i >= got.length) return false;
    if (want[i] !== '*' && want[i] !== got[i]) return false;
  }
  return want.length === got.length;
}
