/** Every text the components show, overridable one by one; English and French shipped. */
import type { FieldProblem } from '../forms/field-validation';

export interface Strings {
  title: string;
  subtitle: string;
  close: string;
  back: string;
  search: string;
  searchPlaceholder: string;
  allCategories: string;
  category: string;
  noResults: string;
  loading: string;
  connect: string;
  connectTo: (name: string) => string;
  connecting: string;
  waitingForPopup: string;
  docsLink: string;
  optional: string;
  showSecret: string;
  /** Labels of the usual credential fields, for providers that declare none (or declare an empty title). */
  fieldTitles: Record<string, string>;
  /** An integration whose auth mode cannot be connected here yet (MCP). */
  unavailable: (name: string) => string;
  externalId: string;
  externalIdHelp: string;
  copy: string;
  copied: string;
  connected: (name: string) => string;
  done: string;
  retry: string;
  errorTitle: string;
  problems: Record<FieldProblem, string>;
  errors: Record<string, string>;
}

export const en: Strings = {
  title: 'Connect an account',
  subtitle: 'Choose the service to connect.',
  close: 'Close',
  back: 'Back',
  search: 'Search integrations',
  searchPlaceholder: 'Search…',
  allCategories: 'All categories',
  category: 'Category',
  noResults: 'No integration matches your search.',
  loading: 'Loading…',
  connect: 'Connect',
  connectTo: (name) => `Connect ${name}`,
  connecting: 'Connecting…',
  waitingForPopup: 'Finish signing in in the window that opened.',
  docsLink: 'Where do I find this?',
  optional: 'optional',
  showSecret: 'Show',
  fieldTitles: {
    apiKey: 'API key',
    username: 'User name',
    password: 'Password',
    client_id: 'Client ID',
    client_secret: 'Client secret',
    token_id: 'Token ID',
    token_secret: 'Token secret',
    organization_id: 'Organization ID',
    dev_key: 'Developer key',
    role_arn: 'IAM role ARN',
  },
  unavailable: (name) => `${name} cannot be connected from here yet.`,
  externalId: 'External ID',
  externalIdHelp: 'Name this External ID in the trust policy of the IAM role you give below.',
  copy: 'Copy',
  copied: 'Copied',
  connected: (name) => `${name} is connected.`,
  done: 'Done',
  retry: 'Try again',
  errorTitle: 'The connection failed',
  problems: {
    missing: 'This field is required.',
    too_long: 'This value is too long.',
    invalid_characters: 'This value contains characters that are not allowed.',
    invalid_format: 'This value does not have the expected format.',
    invalid_enum_value: 'Choose one of the listed values.',
  },
  errors: {
    window_closed: 'The window was closed before the connection finished.',
    network_error: 'Latchkey could not be reached. Check your connection and try again.',
    unsupported_auth_mode: 'This service cannot be connected from here yet.',
    session_bound_to_other_browser:
      'This connect link was already opened in another browser. Ask for a new link to connect from here.',
  },
};

export const fr: Strings = {
  title: 'Connecter un compte',
  subtitle: 'Choisissez le service à connecter.',
  close: 'Fermer',
  back: 'Retour',
  search: 'Rechercher une intégration',
  searchPlaceholder: 'Rechercher…',
  allCategories: 'Toutes les catégories',
  category: 'Catégorie',
  noResults: 'Aucune intégration ne correspond à votre recherche.',
  loading: 'Chargement…',
  connect: 'Connecter',
  connectTo: (name) => `Connecter ${name}`,
  connecting: 'Connexion…',
  waitingForPopup: 'Terminez la connexion dans la fenêtre qui s’est ouverte.',
  docsLink: 'Où trouver cette information ?',
  optional: 'facultatif',
  showSecret: 'Afficher',
  fieldTitles: {
    apiKey: 'Clé d’API',
    username: 'Nom d’utilisateur',
    password: 'Mot de passe',
    client_id: 'ID client',
    client_secret: 'Secret client',
    token_id: 'ID du jeton',
    token_secret: 'Secret du jeton',
    organization_id: 'ID de l’organisation',
    dev_key: 'Clé développeur',
    role_arn: 'ARN du rôle IAM',
  },
  unavailable: (name) => `${name} ne peut pas encore être connecté ici.`,
  externalId: 'ID externe',
  externalIdHelp: 'Indiquez cet ID externe dans la politique de confiance du rôle IAM demandé ci-dessous.',
  copy: 'Copier',
  copied: 'Copié',
  connected: (name) => `${name} est connecté.`,
  done: 'Terminé',
  retry: 'Réessayer',
  errorTitle: 'La connexion a échoué',
  problems: {
    missing: 'Ce champ est obligatoire.',
    too_long: 'Cette valeur est trop longue.',
    invalid_characters: 'Cette valeur contient des caractères non autorisés.',
    invalid_format: 'Cette valeur n’a pas le format attendu.',
    invalid_enum_value: 'Choisissez une des valeurs proposées.',
  },
  errors: {
    window_closed: 'La fenêtre a été fermée avant la fin de la connexion.',
    network_error: 'Latchkey est injoignable. Vérifiez votre connexion et réessayez.',
    unsupported_auth_mode: 'Ce service ne peut pas encore être connecté ici.',
    session_bound_to_other_browser:
      'Ce lien de connexion a déjà été ouvert dans un autre navigateur. Demandez un nouveau lien pour vous connecter ici.',
  },
};

export type Locale = 'en' | 'fr';

/** The locale's strings with the app's overrides on top (nested maps merged key by key). */
export function resolveStrings(locale: Locale = 'en', overrides: Partial<Strings> = {}): Strings {
  const base = locale === 'fr' ? fr : en;
  return {
    ...base,
    ...overrides,
    fieldTitles: { ...base.fieldTitles, ...overrides.fieldTitles },
    problems: { ...base.problems, ...overrides.problems },
    errors: { ...base.errors, ...overrides.errors },
  };
}
