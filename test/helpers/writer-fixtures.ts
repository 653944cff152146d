// Help-center pages, folders and articles for the writer tests: small, realistic, and about clearly
// different subjects so similarity decisions are easy to read.
import type {
  CandidateArticle,
  DecisionRequest,
  DecisionSource,
  FolderChoice,
} from '../../src/writers/writer.js';

export const FOLDERS: FolderChoice[] = [
  {
    id: '0b7c1c3e-0000-4000-8000-000000000001',
    path: 'Getting started',
    description: 'Creating an account, first steps, the basics.',
  },
  {
    id: '0b7c1c3e-0000-4000-8000-000000000002',
    path: 'Billing / Refunds',
    description: 'Refunds, money back, cancellations and charges.',
  },
  {
    id: '0b7c1c3e-0000-4000-8000-000000000003',
    path: 'Shipping',
    description: 'Delivery times, shipping costs, tracking parcels and couriers.',
  },
  {
    id: '0b7c1c3e-0000-4000-8000-000000000004',
    path: 'Account / Security',
    description: 'Passwords, two-factor authentication, signing in.',
  },
];

export const REFUND_PAGE: DecisionSource = {
  id: '5e0d0000-0000-4000-8000-000000000001',
  title: 'Refund policy | Acme Help Center',
  url: 'https://help.acme.test/refund-policy',
  contentHash: 'refund-v1',
  paragraphs: [
    '# Refund policy',
    'You can ask for a refund within 30 days of purchase. Refunds go back to the original payment method.',
    '## Who can get a refund',
    'Monthly and annual plans are eligible for a refund. Gift cards and add-ons bought during a sale are not refundable.',
    '## How to request a refund',
    'Open **Billing** in your account, choose the order and click *Request refund*. Refunds are processed within 5 business days.',
    '## Refunds for annual plans',
    'Annual plans are refunded in full in the first 30 days and pro rata after that.',
  ],
};

/** The same page after an edit: 14 days instead of 30, and a new section. */
export const REFUND_PAGE_REVISED: DecisionSource = {
  ...REFUND_PAGE,
  contentHash: 'refund-v2',
  paragraphs: [
    '# Refund policy',
    'You can ask for a refund within 14 days of purchase. Refunds go back to the original payment method.',
    '## Who can get a refund',
    'Monthly and annual plans are eligible for a refund. Gift cards and add-ons bought during a sale are not refundable.',
    '## How to request a refund',
    'Open **Billing** in your account, choose the order and click *Request refund*. Refunds are processed within 5 business days.',
    '## Refunds for annual plans',
    'Annual plans are refunded in full in the first 14 days and pro rata after that.',
    '## Refunds to expired cards',
    'If the original card expired, contact support with your order number and we refund by bank transfer.',
  ],
};

export const SHIPPING_PAGE: DecisionSource = {
  id: '5e0d0000-0000-4000-8000-000000000002',
  title: 'Shipping times and tracking',
  url: 'https://help.acme.test/shipping',
  contentHash: 'shipping-v1',
  paragraphs: [
    '# Shipping times and tracking',
    'Standard shipping takes 3 to 5 business days inside the EU and 7 to 10 days elsewhere. Express delivery arrives the next business day when you order before 2 pm.',
    '## Tracking your parcel',
    'Every shipment gets a tracking number by email. Follow the parcel on the courier website with that number.',
    '## Shipping costs',
    'Delivery is free above 50 EUR; below that standard shipping costs 4.90 EUR and express 9.90 EUR.',
  ],
};

export const PASSWORD_PAGE: DecisionSource = {
  id: '5e0d0000-0000-4000-8000-000000000003',
  title: 'Reset your password',
  url: 'https://help.acme.test/password',
  contentHash: 'password-v1',
  paragraphs: [
    'Forgot your password? On the sign-in page click "Forgot password" and enter your email address. We send a link that stays valid for one hour.',
    'If the email does not arrive, check your spam folder, then ask support to verify your identity.',
  ],
};

function article(
  id: string,
  title: string,
  mainKnowledge: string,
  extra: Partial<CandidateArticle> = {},
): CandidateArticle {
  return {
    id,
    title,
    mainKnowledge,
    questions: [`What should I know about ${title.toLowerCase()}?`],
    keywords: title.toLowerCase().split(' '),
    parentFolderId: null,
    version: 1,
    linked: false,
    ...extra,
  };
}

/** An article a person or model wrote about refunds, in other words than the page. */
export const REFUND_ARTICLE = article(
  'a1000000-0000-4000-8000-000000000001',
  'Getting a refund',
  'Customers can request a refund within 30 days of purchase from the Billing page of their account. Monthly and annual plans qualify; gift cards do not. Refunds reach the original payment method within 5 business days.',
  { parentFolderId: FOLDERS[1]!.id, questions: ['How do I get a refund?', 'Can I get my money back?'] },
);

export const SHIPPING_ARTICLE = article(
  'a1000000-0000-4000-8000-000000000002',
  'Delivery times',
  'Standard delivery takes 3-5 business days in the EU. Express orders placed before 2 pm arrive the next business day. Tracking numbers are emailed for every parcel.',
  { parentFolderId: FOLDERS[2]!.id },
);

export const TWO_FACTOR_ARTICLE = article(
  'a1000000-0000-4000-8000-000000000003',
  'Two-factor authentication',
  'Turn on two-factor authentication under Security settings. Scan the QR code with an authenticator app and enter the six-digit code to confirm.',
  { parentFolderId: FOLDERS[3]!.id },
);

export function decisionRequest(overrides: Partial<DecisionRequest> = {}): DecisionRequest {
  return {
    source: SHIPPING_PAGE,
    candidates: [],
    folders: FOLDERS,
    allowedOperations: ['ADD_ARTICLE_TO_FOLDER', 'UPDATE_ARTICLE', 'DO_NOTHING'],
    instructions: '',
    ...overrides,
  };
}
