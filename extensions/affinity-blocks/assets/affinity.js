// <affinity-recommendations>: one element for every Affinity block. It waits until the block
// nears the viewport, asks the app proxy for the placement's products, fills the reserved
// skeleton with product cards, adds to cart through the Ajax Cart API, and reports impressions,
// clicks and add-to-carts with the answer's token. If anything fails, the block hides itself.
// The answer is Liquid that Shopify renders in the shopper's market (format=liquid), so titles,
// prices (as the `money` filter writes them), links and availability are the product page's.
(() => {
  if (customElements.get("affinity-recommendations")) return;
  const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const visitor = () => (document.cookie.match(/(?:^|; )_shopify_y=([^;]+)/) || [])[1] || "";
  const WIDTHS = [180, 360, 540, 720, 900];

  class AffinityRecommendations extends HTMLElement {
    connectedCallback() {
      if (this.started) return;
      this.started = true;
      this.list = this.querySelector(".afr__list");
      const load = () => this.load().catch(() => this.fail());
      if (!("IntersectionObserver" in window)) return load();
      const observer = new IntersectionObserver(
        (entries) => {
          if (!entries.some((entry) => entry.isIntersecting)) return;
          observer.disconnect();
          load();
        },
        { rootMargin: "400px 0px" },
      );
      observer.observe(this);
    }

    get options() {
      return (this._options ??= JSON.parse(this.querySelector("script[data-afr-options]")?.textContent || "{}"));
    }

    async load() {
      const o = this.options;
      const query = new URLSearchParams({ placement: o.placement, limit: String(o.limit), format: "liquid" });
      if (o.productId) query.set("product_id", o.productId);
      if (o.placement === "cart") query.set("cart", (await this.cart()).items.map((item) => item.product_id).join(","));
      if (visitor()) query.set("visitor", visitor());
      const response = await fetch(`${o.proxy}/recommendations?${query}`, { headers: { Accept: "application/json" } });
      if (!response.ok) return this.fail();
      const answer = await response.json();
      this.answer = answer;
      const products = (answer.products || []).filter((p) => p.available && p.variantId);
      if (!products.length) return this.fail();
      this.render(products);
      this.report(
        "impression",
        products.map((p) => p.externalId),
      );
    }

    render(products) {
      const list = this.list;
      // Keep the reserved height, so fewer products than placeholders shift nothing.
      list.style.minHeight = `${list.offsetHeight}px`;
      const main = list.querySelector("[data-afr-main]");
      list.innerHTML = products.map((p, i) => this.card(p, i)).join("");
      if (main) list.prepend(main);
      list.removeAttribute("aria-busy");
      this.classList.add("afr--ready");
      list.addEventListener("click", (event) => this.onClick(event));
      if (this.options.placement === "bought_together") this.setUpBundle();
      this.setUpCarousel();
    }

    card(p, index) {
      const o = this.options;
      const t = o.strings;
      const url = `${p.url}${p.url.includes("?") ? "&" : "?"}_afr=${encodeURIComponent(o.placement)}`;
      const image = p.image
        ? `<img src="${esc(sized(p.image, 360))}"${srcset(p.image)} sizes="${esc(o.sizes)}" alt="${esc(p.imageAlt || p.title)}" loading="lazy" width="360" height="${Math.round(360 / o.ratio)}">`
        : "";
      const compare = o.showCompare && p.compareAtPrice > p.price ? ` <s class="afr-card__compare">${esc(p.compareAtText)}</s>` : "";
      const price = o.showPrice
        ? `<p class="afr-card__price"><span class="afr-visually-hidden">${esc(t.price)}</span>${esc(p.priceText)}${compare}</p>`
        : "";
      const pick =
        o.placement === "bought_together"
          ? `<label class="afr-card__pick"><input type="checkbox" checked data-afr-pick="${esc(p.variantId)}" data-afr-price="${p.price}" data-afr-product="${esc(p.externalId)}"> ${esc(t.include)}</label>`
          : "";
      const add =
        o.showAdd && o.placement !== "bought_together"
          ? `<button type="button" class="afr-card__add" data-afr-add="${esc(p.variantId)}" data-afr-product="${esc(p.externalId)}" aria-label="${esc(t.addNamed.replace("__title__", p.title))}">${esc(t.add)}</button>`
          : "";
      return `<li class="afr-card" data-afr-index="${index}"><a class="afr-card__media" href="${esc(url)}" tabindex="-1" aria-hidden="true" data-afr-click="${esc(p.externalId)}">${image}</a><p class="afr-card__title"><a href="${esc(url)}" data-afr-click="${esc(p.externalId)}">${esc(p.title)}</a></p>${price}${pick}${add}</li>`;
    }

    /** Cents in the page's money format, learned from its sample: 1,234,567.89 as `money` writes it there. */
    money(cents) {
      const sample = this.options.moneySample || "";
      const m = /1(\D*)234\1(?:567(\D+)89|568)/.exec(sample);
      if (!m) return (cents / 100).toFixed(2);
      const whole = String(m[2] ? Math.floor(cents / 100) : Math.round(cents / 100)).replace(/\B(?=(\d{3})+$)/g, m[1]);
      const amount = m[2] ? `${whole}${m[2]}${String(cents % 100).padStart(2, "0")}` : whole;
      return sample.slice(0, m.index) + amount + sample.slice(m.index + m[0].length);
    }

    onClick(event) {
      const target = event.target.closest("[data-afr-click],[data-afr-add]");
      if (!target) return;
      if (target.dataset.afrClick) return this.report("click", [target.dataset.afrClick]);
      this.addToCart([{ id: target.dataset.afrAdd, product: target.dataset.afrProduct }], target);
    }

    async addToCart(items, button) {
      const t = this.options.strings;
      const label = button.textContent;
      button.disabled = true;
      try {
        const response = await fetch("/cart/add.js", {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify({ items: items.map((item) => ({ id: Number(item.id) || item.id, quantity: 1 })) }),
        });
        if (!response.ok) throw new Error(String(response.status));
        button.textContent = t.added;
        this.report(
          "add_to_cart",
          items.map((item) => item.product),
        );
        const cart = await this.cart();
        document
          .querySelectorAll("[data-cart-count], .cart-count-bubble span[aria-hidden]")
          .forEach((node) => (node.textContent = String(cart.item_count)));
        document.dispatchEvent(new CustomEvent("affinity:cart-updated", { detail: { cart }, bubbles: true }));
      } catch {
        button.textContent = t.error;
      }
      setTimeout(() => {
        button.textContent = label;
        button.disabled = false;
      }, 2000);
    }

    cart() {
      return fetch("/cart.js", { headers: { Accept: "application/json" } }).then((r) => r.json());
    }

    setUpBundle() {
      const bundle = this.querySelector(".afr-bundle");
      if (!bundle) return;
      const main = bundle.dataset;
      const total = bundle.querySelector(".afr-bundle__total-value");
      const button = bundle.querySelector(".afr-bundle__add");
      const picks = () => [...this.querySelectorAll("[data-afr-pick]")].filter((box) => box.checked);
      const update = () => {
        const chosen = picks();
        total.textContent = this.money(Number(main.price) + chosen.reduce((sum, box) => sum + Number(box.dataset.afrPrice), 0));
        button.textContent = this.options.strings[chosen.length ? "addAll" : "addOne"];
      };
      this.list.addEventListener("change", update);
      button.disabled = false;
      button.addEventListener("click", () =>
        this.addToCart(
          [
            { id: main.variantId, product: main.productId },
            ...picks().map((box) => ({ id: box.dataset.afrPick, product: box.dataset.afrProduct })),
          ],
          button,
        ),
      );
      update();
    }

    setUpCarousel() {
      const [previous, next] = this.querySelectorAll("[data-afr-step]");
      if (!previous) return;
      const list = this.list;
      const step = (direction) => list.scrollBy({ left: direction * list.clientWidth, behavior: "smooth" });
      const sync = () => {
        previous.disabled = list.scrollLeft <= 1;
        next.disabled = list.scrollLeft + list.clientWidth >= list.scrollWidth - 1;
      };
      previous.addEventListener("click", () => step(-1));
      next.addEventListener("click", () => step(1));
      list.addEventListener("scroll", sync, { passive: true });
      sync();
    }

    report(kind, productIds) {
      if (!this.answer?.token || !productIds.length) return;
      const body = JSON.stringify({ token: this.answer.token, kind, productIds, visitor: visitor() || undefined });
      fetch(`${this.options.proxy}/events`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body,
        keepalive: true,
      }).catch(() => {});
    }

    fail() {
      this.hidden = true;
    }
  }

  /** Shopify's CDN resizes with ?width=; other images (data: URLs, other hosts) are used as they are. */
  const resizable = (url) => /cdn\.shopify\.com\/|\/cdn\/shop\//.test(url);
  function sized(url, width) {
    if (!resizable(url)) return url;
    const u = new URL(url, location.href);
    u.searchParams.set("width", String(width));
    return u.toString();
  }
  function srcset(url) {
    return resizable(url) ? ` srcset="${esc(WIDTHS.map((w) => `${sized(url, w)} ${w}w`).join(", "))}"` : "";
  }

  customElements.define("affinity-recommendations", AffinityRecommendations);
})();
