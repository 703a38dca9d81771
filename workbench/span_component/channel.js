// newsspan span selector, sync channel: hands each rerun's span delta, acks and selection to the span
// selector mounted under the same key (component.js), through a small registry on `window`. Kept tiny: it
// is the part of the component that travels on every rerun.
export default function spanSync({ data }) {
  if (!data || typeof data.ckey !== "string") return;
  const bus = (window.__newsspan ||= { channel: new Map(), subs: new Map(), models: new Map() });
  bus.channel.set(data.ckey, data);
  const deliver = bus.subs.get(data.ckey);
  if (deliver) deliver(data);
}
