// Times are sent in UTC; show each <time datetime="..."> in the browser's own time zone and
// language ("8 Dec 2026, 15:05"), keeping the UTC text as a tooltip.
const format = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
for (const element of document.querySelectorAll("time[datetime]")) {
  const moment = new Date(element.getAttribute("datetime"));
  if (!Number.isNaN(moment.getTime())) {
    element.title = element.textContent;
    element.textContent = format.format(moment);
  }
}
