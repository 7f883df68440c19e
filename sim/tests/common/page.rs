//! The payment page's form, read as a browser would.

/// The page's POST form: its absolute action URL and its named fields.
pub fn pay_form(html: &str, page_url: &str) -> (String, Vec<(String, String)>) {
    let lower = html.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower[from..].find("<form").map(|i| i + from) {
        let tag_end = lower[at..]
            .find('>')
            .map(|i| i + at)
            .expect("a closed <form> tag");
        let tag = &html[at..=tag_end];
        let end = lower[tag_end..]
            .find("</form")
            .map_or(html.len(), |i| i + tag_end);
        from = end;
        if attr(tag, "method").is_some_and(|m| m.eq_ignore_ascii_case("post")) {
            let action = attr(tag, "action").unwrap_or_default();
            let action = reqwest::Url::parse(page_url)
                .and_then(|base| base.join(&action))
                .expect("a form action URL")
                .to_string();
            let mut fields = Vec::new();
            let inner = &html[tag_end..end];
            let inner_lower = &lower[tag_end..end];
            for element in ["<input", "<button"] {
                let mut i = 0;
                while let Some(pos) = inner_lower[i..].find(element).map(|p| p + i) {
                    let close = inner_lower[pos..]
                        .find('>')
                        .map_or(inner.len(), |c| c + pos);
                    let tag = &inner[pos..close.min(inner.len())];
                    if let Some(name) = attr(tag, "name") {
                        fields.push((name, attr(tag, "value").unwrap_or_default()));
                    }
                    i = close.min(inner.len());
                }
            }
            return (action, fields);
        }
    }
    panic!("no <form method=\"post\"> on the payment page:\n{html}");
}

/// An attribute of an HTML start tag, entity-decoded.
fn attr(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower[from..].find(name).map(|i| i + from) {
        from = at + name.len();
        let before_ok = at > 0 && lower.as_bytes()[at - 1].is_ascii_whitespace();
        let rest = lower[from..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let value_start = tag.len() - rest.len() + 1;
        let value = tag[value_start..].trim_start();
        let raw = match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or(""),
            _ => value
                .split(|c: char| c.is_ascii_whitespace() || c == '>')
                .next()
                .unwrap_or(""),
        };
        return Some(
            raw.replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&#x27;", "'")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&"),
        );
    }
    None
}
