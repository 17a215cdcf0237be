/** XML namespaces of the protocols spoken here (RFC 6120/7395, BOSH, XEP-0030/0060/0199). One table, imported everywhere. */
export const FRAMING_NS = 'urn:ietf:params:xml:ns:xmpp-framing';
export const CLIENT_NS = 'jabber:client';
export const SERVER_NS = 'jabber:server';
export const STREAMS_NS = 'http://etherx.jabber.org/streams';
export const STREAM_ERRORS_NS = 'urn:ietf:params:xml:ns:xmpp-streams';
export const STANZAS_NS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
export const SASL_NS = 'urn:ietf:params:xml:ns:xmpp-sasl';
export const BIND_NS = 'urn:ietf:params:xml:ns:xmpp-bind';
export const SESSION_NS = 'urn:ietf:params:xml:ns:xmpp-session';
export const ROSTER_NS = 'jabber:iq:roster';
export const PING_NS = 'urn:xmpp:ping';
export const DISCO_INFO_NS = 'http://jabber.org/protocol/disco#info';
export const BOSH_NS = 'http://jabber.org/protocol/httpbind';
export const PUBSUB_NS = 'http://jabber.org/protocol/pubsub';
export const PUBSUB_EVENT_NS = 'http://jabber.org/protocol/pubsub#event';
export const PUBSUB_ERRORS_NS = 'http://jabber.org/protocol/pubsub#errors';
export const XML_NS = 'http://www.w3.org/XML/1998/namespace';
