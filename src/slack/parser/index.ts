export type { ParserDirectory } from './directory.js';
export { parseInbound, type InboundContext, type InboundParse } from './inbound.js';
export { parseOutbound, OUTBOUND_KINDS, type OutboundKind } from './outbound.js';
export { applyOmnibotParse, readParseOptions, ParseOptionsError } from './options.js';
export { scanMarkup, markupClose, type MarkupToken } from './markup.js';
export { scanEmojis } from './emoji.js';
export { isDirected, commandText } from './mentions.js';
export { lookupEach } from './lookups.js';
export { isSpace, pyStrip, nameEnd, wordCharLength } from './chars.js';
