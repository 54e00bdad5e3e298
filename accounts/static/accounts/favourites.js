// Favourite buttons post in the background and flip in place. Without this script they are plain
// forms that post and come back to the same page; on any surprise the script falls back to that.
document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.matches("form[data-favourite]")) {
    return;
  }
  event.preventDefault();
  const button = form.querySelector("button");
  button.disabled = true;
  let favourite;
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    const type = response.headers.get("Content-Type") || "";
    if (!response.ok || !type.includes("application/json")) {
      throw new Error(`unexpected answer: ${response.status} ${type}`);
    }
    ({ favourite } = await response.json());
  } catch (error) {
    form.submit();
    return;
  } finally {
    button.disabled = false;
  }
  // The same song can have a heart in more than one place on a page.
  const action = favourite ? form.dataset.unfavouriteUrl : form.dataset.favouriteUrl;
  for (const other of document.querySelectorAll("form[data-favourite]")) {
    if (other.dataset.favouriteUrl === form.dataset.favouriteUrl) {
      other.action = action;
      other.querySelector("button").setAttribute("aria-pressed", String(favourite));
    }
  }
});
