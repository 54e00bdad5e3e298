// Suggestions under every search box that has data-autocomplete (the URL of /api/autocomplete):
// songs appear as you type; arrow keys move, Enter opens the song, Escape closes the list.
// Without this script the box is a plain search form.
const DELAY_MS = 150;

function setUp(input) {
  const list = document.createElement("ul");
  list.className = "autocomplete";
  list.id = `${input.id}-suggestions`;
  list.setAttribute("role", "listbox");
  list.hidden = true;
  input.insertAdjacentElement("afterend", list);
  // The box keeps its native searchbox role; the list is announced through aria-controls.
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.parentElement.classList.add("autocomplete-anchor");

  let timer = null;
  let controller = null;
  let active = -1;

  const close = () => {
    list.hidden = true;
    list.replaceChildren();
    active = -1;
    input.removeAttribute("aria-activedescendant");
  };

  const highlight = (index) => {
    const options = list.querySelectorAll("[role=option]");
    options.forEach((option, position) => {
      option.setAttribute("aria-selected", String(position === index));
    });
    active = index;
    if (options[index]) {
      input.setAttribute("aria-activedescendant", options[index].id);
    }
  };

  const show = (songs) => {
    if (!songs.length) {
      close();
      return;
    }
    list.replaceChildren(
      ...songs.map((song, index) => {
        const item = document.createElement("li");
        item.id = `${list.id}-${index}`;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        const link = document.createElement("a");
        link.href = song.url;
        link.tabIndex = -1;
        const title = document.createElement("strong");
        title.textContent = song.title;
        link.append(title, ` · ${song.artist}`);
        item.append(link);
        return item;
      }),
    );
    list.hidden = false;
    active = -1;
  };

  const fetchSuggestions = async () => {
    const text = input.value.trim();
    if (text.length < 2) {
      close();
      return;
    }
    if (controller) {
      controller.abort();
    }
    controller = new AbortController();
    try {
      const url = `${input.dataset.autocomplete}?q=${encodeURIComponent(text)}`;
      const response = await fetch(url, {
        headers: { Accept: "application/json" },
        signal: controller.signal,
      });
      if (!response.ok) {
        close();
        return;
      }
      const answer = await response.json();
      if (answer.query === input.value.trim()) {
        show(answer.results);
      }
    } catch (error) {
      if (error.name !== "AbortError") {
        close();
      }
    }
  };

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(fetchSuggestions, DELAY_MS);
  });
  input.addEventListener("keydown", (event) => {
    const count = list.querySelectorAll("[role=option]").length;
    if (list.hidden || !count) {
      return;
    }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      highlight((active + step + count) % count);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.assign(list.querySelectorAll("a")[active].href);
    } else if (event.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", () => {
    // Let a click on a suggestion land before the list goes.
    setTimeout(close, 200);
  });
}

document.querySelectorAll("input[data-autocomplete]").forEach(setUp);
