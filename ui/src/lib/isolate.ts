// A Svelte action for modal dialogs: while the element is in the page, everything beside it
// (its ancestors' other children, up to the app's `.screens` container) is `inert`, so
// neither the keyboard nor a screen reader can leave the dialog. The app makes `.screens`
// itself inert while the idle warning is up, which then covers the dialog too.

export function isolate(node: HTMLElement, stopAt = ".screens") {
  const madeInert: Element[] = [];
  let current: Element = node;
  while (current.parentElement && !current.matches(stopAt)) {
    const parent: Element = current.parentElement;
    for (const sibling of Array.from(parent.children)) {
      if (sibling !== current && !sibling.hasAttribute("inert")) {
        sibling.setAttribute("inert", "");
        madeInert.push(sibling);
      }
    }
    if (parent.matches(stopAt)) break;
    current = parent;
  }
  return {
    destroy() {
      for (const element of madeInert) element.removeAttribute("inert");
    },
  };
}
