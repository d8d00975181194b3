/** Customer text placed in HTML (e-mails, agreements, pages) is escaped, always. */
export function escapeHtml(text: string): string {
	return text
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&#39;');
}

const PAGE_STYLE = `body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f5f6f8;color:#1d2330}
main{margin:0 auto;padding:24px 16px}.card{background:#fff;border-radius:10px;padding:20px 22px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1{font-size:1.35rem;margin:0 0 12px}.biz{color:#5b6472;font-size:.9rem;margin-bottom:6px}
textarea,input[type=text]{width:100%;box-sizing:border-box;padding:10px;border:1px solid #d5d9e0;border-radius:8px;font:inherit}
button{background:#1f6feb;color:#fff;border:0;border-radius:8px;padding:12px 20px;font:inherit;font-weight:600;cursor:pointer;width:100%}
.problem{color:#b42318;margin:4px 0}.muted{color:#5b6472;font-size:.9rem}code{word-break:break-all}.notice{border-left:4px solid #1f6feb;padding-left:12px}`;

/**
 * A page a person opens from a link (a quote, a decision, an agreement): one card with the
 * business's name and the title, readable on a phone, no script (n8n serves webhook HTML
 * in a sandbox). `style` adds the page's own rules.
 */
export function personPage(page: {
	business: string;
	title: string;
	body: string;
	widthPx: number;
	style?: string;
}): string {
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(page.title)}</title><style>${PAGE_STYLE}main{max-width:${page.widthPx}px}${page.style ?? ''}</style></head><body><main><div class="card"><div class="biz">${escapeHtml(page.business)}</div><h1>${escapeHtml(page.title)}</h1>${page.body}</div></main></body></html>`;
}
