//! The one door from the UI to Cashline: typed calls per command group, one transport for both hosts, every response validated.
//
// Views import the functions and types re-exported here and nothing else: they never see
// `invoke`, `fetch`, the token or a URL, and never import ./transport. Types are the wire types
// generated from Rust (../generated/wire), so a change there breaks `tsc`, not a screen. Every
// answer is decoded before it is returned, so a malformed one becomes an `ApiError` the screen
// can show, never a half-typed object that fails later. Money stays a string from the wire to
// the screen: the UI formats it, and adds up only what a person has selected and not yet sent
// (../money, exact on BigInt minor units).

export { ApiError } from './error';
export { inDesktopWindow, startApi, type Loose } from './transport';
export * from './treasury';
export * from './import';
export * from './exceptions';
export * from './reference';
export * from './payments';
export * from './recon';
export * from './settings';
export * from './db';
export * from './connections';
export * from './erp';
export * from './users';
export * from './audit';
