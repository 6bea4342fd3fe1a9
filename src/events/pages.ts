import type { EventRecord } from '../model/activity.ts';
import { PAGE } from '../model/behaviour.ts';
import { CATEGORIES, type Category, type Product } from '../model/catalog.ts';
import { T } from '../model/event-types.ts';

export interface PageInfo {
  page_url: string;
  page_title: string;
  page_category: string;
  product_id?: string;
  product_category?: string;
}

const PLAIN_PAGES: Record<number, PageInfo> = {
  [PAGE.HOME]: { page_url: '/', page_title: 'Home', page_category: 'home' },
  [PAGE.DEALS]: { page_url: '/deals', page_title: "Today's Deals", page_category: 'promotion' },
  [PAGE.NEW_ARRIVALS]: { page_url: '/new-arrivals', page_title: 'New Arrivals', page_category: 'promotion' },
  [PAGE.HELP]: { page_url: '/help', page_title: 'Help Center', page_category: 'support' },
  [PAGE.SHIPPING]: { page_url: '/shipping', page_title: 'Shipping Information', page_category: 'content' },
  [PAGE.RETURNS]: { page_url: '/returns', page_title: 'Returns and Refunds', page_category: 'content' },
  [PAGE.ABOUT]: { page_url: '/about', page_title: 'About Us', page_category: 'content' },
};

/** The category pages of a catalog's categories, built once per catalog. */
const categoryPages = new WeakMap<readonly Category[], PageInfo[]>();

function categoryPage(categories: readonly Category[], category: number): PageInfo {
  let pages = categoryPages.get(categories);
  if (pages === undefined) {
    pages = categories.map((c) => ({ page_url: `/category/${c.id}`, page_title: c.title, page_category: 'category' }));
    categoryPages.set(categories, pages);
  }
  return pages[category]!;
}

/** Fixed pages of the step types that always happen on the same page. */
const STEP_PAGES: Partial<Record<number, PageInfo>> = {
  [T.REMOVE_FROM_CART]: { page_url: '/cart', page_title: 'Shopping Cart', page_category: 'cart' },
  [T.BEGIN_CHECKOUT]: { page_url: '/checkout', page_title: 'Checkout', page_category: 'checkout' },
  [T.COMPLETE_CHECKOUT]: { page_url: '/checkout/confirmation', page_title: 'Order Confirmation', page_category: 'checkout' },
  [T.LOGIN]: { page_url: '/login', page_title: 'Sign In', page_category: 'account' },
  [T.LOGOUT]: { page_url: '/account', page_title: 'My Account', page_category: 'account' },
  [T.ACCOUNT_CREATE]: { page_url: '/register', page_title: 'Create Account', page_category: 'account' },
  [T.NEWSLETTER_SIGNUP]: { page_url: '/newsletter', page_title: 'Newsletter Sign-up', page_category: 'content' },
  [T.CONTACT_SUPPORT]: { page_url: '/help/contact', page_title: 'Contact Support', page_category: 'support' },
};

export function productPage(product: Product): PageInfo {
  return {
    page_url: `/product/${product.id}`,
    page_title: `${product.name} - Product`,
    page_category: 'product',
    product_id: product.id,
    product_category: product.category,
  };
}

export function reviewPage(product: Product): PageInfo {
  return {
    page_url: `/product/${product.id}/review`,
    page_title: `Write a Review - ${product.name}`,
    page_category: 'product',
    product_id: product.id,
    product_category: product.category,
  };
}

export function searchUrl(term: string): string {
  return '/search?q=' + term.replaceAll(' ', '+');
}

/** The page an event happened on. */
export function pageInfo(rec: EventRecord, categories: readonly Category[] = CATEGORIES): PageInfo {
  switch (rec.type) {
    case T.PAGE_VIEW:
      return rec.page === PAGE.CATEGORY ? categoryPage(categories, rec.category) : PLAIN_PAGES[rec.page]!;
    case T.PRODUCT_VIEW:
    case T.ADD_TO_CART:
    case T.WISHLIST_ADD:
      return productPage(rec.product);
    case T.REVIEW_WRITE:
      return reviewPage(rec.product);
    case T.SEARCH:
      return { page_url: searchUrl(rec.searchTerm), page_title: `Search: ${rec.searchTerm}`, page_category: 'search' };
    default:
      return STEP_PAGES[rec.type]!;
  }
}
