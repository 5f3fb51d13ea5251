// Resource JSON as cattle writes it (rancher-1x.md §3, §4, §9): id, type, links, actions, baseType,
// name, state, then the other fields alphabetically; absolute lower-cased links; the fields each
// role's schema shows (data/removeTime for the admin schema only); secretValue clear only in the
// create answer.
import type { Fields } from './collection.ts';
import { dateFields, VARIANT_TRAITS, type Variant } from './json.ts';
import type { Account, Credential, RancherModel } from './model.ts';

export interface View {
  /** `http://host:port/v2-beta`, lower-cased. */
  root: string;
  /** root, plus `/projects/{pid}` when the request named its project in the path. */
  base: string;
  /** The admin schema (an admin acting as itself): shows data and removeTime, all accounts. */
  adminSchema: boolean;
  /** The read-only project role: no actions. */
  readOnly: boolean;
  variant: Variant;
}

const COLLECTION_OF: Record<string, string> = {
  apiKey: 'apikeys',
  password: 'passwords',
  agentApiKey: 'agentapikeys',
  registrationToken: 'registrationtokens',
};

function head(id: string, type: string, links: Record<string, string>, actions: Record<string, string>, baseType: string): Record<string, unknown> {
  return { id, type, links, actions, baseType };
}

/**
 * An apiKey (or another credential kind, read through /credentials). `secret` is the clear secret,
 * given only for the 201 create answer.
 */
export function renderCredential(model: RancherModel, c: Credential, view: View, opts: { secret?: string; via?: 'credentials' } = {}): Record<string, unknown> {
  model.settle(c);
  const self = `${view.base}/${opts.via ?? COLLECTION_OF[c.kind] ?? 'credentials'}/${c.id}`.toLowerCase();
  const actions: Record<string, string> = {};
  // Through /credentials users only read (credential: r); admins keep the actions.
  if (!view.readOnly && (opts.via !== 'credentials' || view.adminSchema)) {
    for (const action of model.actions(c)) actions[action] = `${self}/?action=${action}`;
  }
  const links: Record<string, string> = { self, account: `${self}/account`, images: `${self}/images`, instances: `${self}/instances` };
  if (c.kind === 'apiKey') links.certificate = `${self}/certificate`;
  const json = head(c.id, c.kind, links, actions, 'credential');
  json.name = c.name;
  json.state = c.state;
  json.accountId = c.accountId;
  Object.assign(json, dateFields('created', c.created));
  if (view.adminSchema) json.data = {};
  json.description = c.description;
  json.kind = c.kind;
  json.publicValue = c.publicValue;
  if (view.adminSchema) Object.assign(json, dateFields('removeTime', c.removeTime));
  Object.assign(json, dateFields('removed', c.removed));
  json.secretValue = opts.secret ?? null;
  json.transitioning = model.isTransitioning(c) ? 'yes' : 'no';
  json.transitioningMessage = model.isTransitioning(c) ? 'In Progress' : null;
  json.transitioningProgress = null;
  json.uuid = c.uuid;
  return json;
}

export function renderProject(p: Account, view: View, canManage: boolean): Record<string, unknown> {
  const self = `${view.root}/projects/${p.id}`.toLowerCase();
  // Owners (and admins) get the project's state actions; other members get none.
  const names = !canManage ? [] : p.state === 'active' ? ['update', 'deactivate', 'setmembers'] : ['update', 'activate', 'remove', 'setmembers'];
  const actions = Object.fromEntries(names.map((n) => [n, `${self}/?action=${n}`]));
  const json = head(p.id, 'project', { self, accounts: `${self}/accounts`, apiKeys: `${self}/apikeys`, schemas: `${self}/schemas` }, actions, 'account');
  json.name = p.name;
  json.state = p.state;
  Object.assign(json, dateFields('created', p.created));
  json.defaultNetworkId = null;
  json.description = p.description;
  json.healthState = 'healthy';
  json.hostRemoveDelaySeconds = null;
  json.kind = 'project';
  // A write-only field (create and setmembers take it); answers carry null (captured listing).
  json.members = null;
  json.orchestration = 'cattle';
  json.projectTemplateId = '1pt1';
  json.removed = null;
  json.transitioning = 'no';
  json.transitioningMessage = null;
  json.transitioningProgress = null;
  json.uuid = p.uuid;
  json.virtualMachine = false;
  return json;
}

/** Accounts, projects included (a project is an account of kind `project`). */
export function renderAccount(a: Account, view: View): Record<string, unknown> {
  const self = `${view.root}/accounts/${a.id}`.toLowerCase();
  const actions: Record<string, string> = view.adminSchema
    ? Object.fromEntries((a.state === 'active' ? ['update', 'deactivate'] : ['update', 'activate', 'remove']).map((n) => [n, `${self}/?action=${n}`]))
    : {};
  const json = head(a.id, 'account', { self, credentials: `${self}/credentials` }, actions, 'account');
  json.name = a.name;
  json.state = a.state;
  Object.assign(json, dateFields('created', a.created));
  json.description = a.description;
  json.externalId = a.kind === 'project' ? null : a.id;
  json.externalIdType = a.kind === 'project' ? null : 'rancher_id';
  json.identity = a.kind === 'project' ? null : `rancher_id:${a.id}`;
  json.kind = a.kind;
  json.removed = null;
  json.transitioning = 'no';
  json.transitioningMessage = null;
  json.transitioningProgress = null;
  json.uuid = a.uuid;
  return json;
}

export function renderRoot(view: View): Record<string, unknown> {
  const links = {
    self: view.base,
    accounts: `${view.base}/accounts`,
    apiKeys: `${view.base}/apikeys`,
    credentials: `${view.base}/credentials`,
    projects: `${view.root}/projects`,
    schemas: `${view.base}/schemas`,
  };
  return head('v2-beta', 'apiVersion', links, {}, 'apiVersion');
}

// ------------------------------------------------------------------------------ schemas

const ACTIONS_OUTPUT = { input: null, output: 'credential' };

/** The schemas a caller's role sees: apiKey with its field rules, and the read types around it. */
export function schemas(view: View): Array<Record<string, unknown>> {
  const admin = view.adminSchema;
  const schema = (id: string, plural: string, extra: Record<string, unknown>) => ({
    ...head(id, 'schema', { self: `${view.base}/schemas/${id.toLowerCase()}`, collection: `${view.base}/${plural.toLowerCase()}` }, {}, 'schema'),
    pluralName: plural,
    collectionActions: {},
    collectionFields: {},
    includeableLinks: [],
    ...extra,
  });
  const field = (type: string, rules: Record<string, unknown> = {}) => ({ type, nullable: true, create: false, update: false, ...rules });
  const apiKeyFields: Record<string, unknown> = {
    accountId: field('reference[account]', { create: admin }),
    created: field('date'),
    description: field('string', { create: true, update: true, maxLength: 1024 }),
    kind: field('string'),
    name: field('string', { create: true, update: true, maxLength: 255 }),
    publicValue: field('string', { create: admin }),
    removed: field('date'),
    secretValue: field('password', { create: admin }),
    state: field('enum', { options: ['requested', 'registering', 'activating', 'active', 'deactivating', 'inactive', 'updating-active', 'updating-inactive', 'removing', 'removed', 'purging', 'purged'] }),
    transitioning: field('enum', { options: ['yes', 'no', 'error'] }),
    transitioningMessage: field('string'),
    transitioningProgress: field('int'),
    uuid: field('string'),
    ...(admin ? { data: field('map[json]'), removeTime: field('date') } : {}),
  };
  const actionNames = ['activate', 'create', 'deactivate', 'purge', 'remove', 'update', ...(VARIANT_TRAITS[view.variant].restore ? ['restore'] : [])];
  return [
    schema('account', 'accounts', { collectionMethods: admin ? ['GET', 'POST'] : ['GET'], resourceMethods: admin ? ['GET', 'PUT', 'DELETE'] : ['GET'], resourceFields: {}, resourceActions: {} }),
    schema('apiKey', 'apiKeys', {
      parent: 'credential',
      collectionMethods: view.readOnly ? ['GET'] : ['GET', 'POST'],
      resourceMethods: view.readOnly ? ['GET'] : ['GET', 'PUT', 'DELETE'],
      resourceFields: apiKeyFields,
      resourceActions: view.readOnly ? {} : Object.fromEntries(actionNames.map((a) => [a, ACTIONS_OUTPUT])),
      collectionFilters: Object.fromEntries(Object.keys(API_KEY_FILTERS).map((f) => [f, { modifiers: modifiersFor(API_KEY_FILTERS[f]!.kind) }])),
    }),
    schema('credential', 'credentials', { collectionMethods: ['GET'], resourceMethods: ['GET'], resourceFields: {}, resourceActions: {} }),
    schema('project', 'projects', { collectionMethods: ['GET', 'POST'], resourceMethods: ['GET', 'PUT', 'DELETE'], resourceFields: {}, resourceActions: {} }),
    schema('schema', 'schemas', { collectionMethods: ['GET'], resourceMethods: ['GET'], resourceFields: {}, resourceActions: {} }),
  ];
}

function modifiersFor(kind: string): string[] {
  if (kind === 'string') return ['eq', 'ne', 'prefix', 'like', 'notlike', 'null', 'notnull'];
  if (kind === 'date') return ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'null', 'notnull'];
  return ['eq', 'ne', 'null', 'notnull'];
}

// ------------------------------------------------------------------------------ filterable fields

export const API_KEY_FILTERS: Fields<Credential> = {
  accountId: { kind: 'reference', get: (c) => c.accountId },
  created: { kind: 'date', get: (c) => c.created },
  description: { kind: 'string', get: (c) => c.description },
  id: { kind: 'reference', get: (c) => c.id },
  kind: { kind: 'string', get: (c) => c.kind },
  name: { kind: 'string', get: (c) => c.name },
  publicValue: { kind: 'string', get: (c) => c.publicValue },
  removeTime: { kind: 'date', get: (c) => c.removeTime },
  removed: { kind: 'date', get: (c) => c.removed },
  state: { kind: 'enum', get: (c) => c.state },
  uuid: { kind: 'string', get: (c) => c.uuid },
};

export const ACCOUNT_FILTERS: Fields<Account> = {
  created: { kind: 'date', get: (a) => a.created },
  description: { kind: 'string', get: (a) => a.description },
  id: { kind: 'reference', get: (a) => a.id },
  kind: { kind: 'string', get: (a) => a.kind },
  name: { kind: 'string', get: (a) => a.name },
  state: { kind: 'enum', get: (a) => a.state },
  uuid: { kind: 'string', get: (a) => a.uuid },
};

/** /projects filters in memory: name case-insensitively, uuid and id exactly (ProjectResourceManager). */
export const PROJECT_FILTERS: Fields<Account> = {
  id: { kind: 'reference', get: (a) => a.id },
  name: { kind: 'string', get: (a) => a.name.toLowerCase() },
  uuid: { kind: 'string', get: (a) => a.uuid },
};
