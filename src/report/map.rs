//! The port map: one row per service, the port space across, each rule a mark at its port or a
//! bar over its range (TCP above, UDP below), as inline SVG. The port space is drawn in three
//! parts, as IANA divides it, so that the well-known ports are not squeezed into a sliver: 0-1023
//! over 35% of the width, 1024-49151 over 40%, 49152-65535 over 25%.

use super::html::escape;
use crate::diff::Service;
use std::fmt::Write as _;

const WIDTH: f64 = 1100.0;
const LABELS: f64 = 300.0;
const PLOT: f64 = WIDTH - LABELS - 20.0;
const ROW: f64 = 18.0;
const TOP: f64 = 44.0;
/// Where each part of the port space starts, and the share of the width up to there.
const PARTS: [(f64, f64); 4] = [(0.0, 0.0), (1024.0, 0.35), (49152.0, 0.75), (65536.0, 1.0)];
const TICKS: [u32; 10] = [0, 135, 445, 1024, 10000, 20000, 30000, 40000, 49152, 65535];

/// The x of a port (the left edge of its place).
fn x(port: f64) -> f64 {
    for pair in PARTS.windows(2) {
        let ((low, at), (high, to)) = (pair[0], pair[1]);
        if port <= high {
            return LABELS + PLOT * (at + (to - at) * (port - low) / (high - low));
        }
    }
    LABELS + PLOT
}

fn colour(transport: Option<&str>) -> &'static str {
    match transport {
        Some("TCP") => "#1f6fb4",
        Some("UDP") => "#e8710a",
        _ => "#6b6b6b",
    }
}

/// The map of one source's services.
pub fn port_map(services: &[Service]) -> String {
    let height = TOP + ROW * services.len() as f64 + 24.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="map" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="Port map: services against the port space">"#
    );
    // The three parts of the port space, shaded, named at the top.
    let names = ["well-known 0-1023", "registered 1024-49151", "dynamic 49152-65535"];
    for (i, pair) in PARTS.windows(2).enumerate() {
        let (left, right) = (x(pair[0].0), x(pair[1].0));
        let shade = if i % 2 == 0 { "#f4f6f8" } else { "#ffffff" };
        let _ = write!(
            svg,
            r#"<rect x="{left:.1}" y="{}" width="{:.1}" height="{}" fill="{shade}"/><text x="{:.1}" y="14" class="part">{}</text>"#,
            TOP - 6.0,
            right - left,
            height - TOP - 12.0,
            left + 4.0,
            names[i]
        );
    }
    for tick in TICKS {
        let at = x(f64::from(tick));
        let _ = write!(
            svg,
            r##"<line x1="{at:.1}" y1="{}" x2="{at:.1}" y2="{}" stroke="#d0d4d9"/><text x="{at:.1}" y="{}" class="tick">{tick}</text>"##,
            TOP - 6.0,
            height - 18.0,
            TOP - 10.0
        );
    }
    for (i, service) in services.iter().enumerate() {
        let top = TOP + ROW * i as f64;
        let label = match &service.system_service_name {
            Some(name) => format!("{} ({name})", service.title),
            None => service.title.clone(),
        };
        let portless: Vec<&str> = service
            .rules
            .iter()
            .filter(|r| r.port_low.is_none())
            .filter_map(|r| r.transport.as_deref())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let label = if portless.is_empty() { label } else { format!("{label} + {}", portless.join(", ")) };
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" class="service"><title>{}</title>{}</text>"#,
            LABELS - 8.0,
            top + 12.5,
            escape(&label),
            escape(&shorten(&label, 44))
        );
        for rule in &service.rules {
            let (Some(low), Some(high)) = (rule.port_low, rule.port_high) else { continue };
            let left = x(low as f64);
            let width = (x(high as f64 + 1.0) - left).max(3.0);
            let udp = rule.transport.as_deref() == Some("UDP");
            let y = top + if udp { 9.5 } else { 2.5 };
            let dynamic = rule.port_kind == "dynamic";
            let ports = if low == high { low.to_string() } else { format!("{low}-{high}") };
            let _ = write!(
                svg,
                r#"<rect x="{left:.1}" y="{y:.1}" width="{width:.1}" height="6" fill="{}"{}><title>{} {} {}{}, line {}</title></rect>"#,
                colour(rule.transport.as_deref()),
                if dynamic { r#" fill-opacity="0.35""# } else { "" },
                escape(rule.transport.as_deref().unwrap_or("no transport")),
                ports,
                escape(&rule.application_protocol),
                if dynamic { " (dynamic)" } else { "" },
                rule.line
            );
        }
    }
    let legend_y = height - 4.0;
    let _ = write!(
        svg,
        r##"<g class="legend"><rect x="{LABELS}" y="{}" width="10" height="6" fill="#1f6fb4"/><text x="{}" y="{legend_y}">TCP</text><rect x="{}" y="{}" width="10" height="6" fill="#e8710a"/><text x="{}" y="{legend_y}">UDP</text><rect x="{}" y="{}" width="10" height="6" fill="#1f6fb4" fill-opacity="0.35"/><text x="{}" y="{legend_y}">dynamic range (randomly allocated)</text></g>"##,
        legend_y - 6.0,
        LABELS + 14.0,
        LABELS + 60.0,
        legend_y - 6.0,
        LABELS + 74.0,
        LABELS + 120.0,
        legend_y - 6.0,
        LABELS + 134.0
    );
    svg.push_str("</svg>");
    svg
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let kept: String = text.chars().take(max - 1).collect();
    format!("{kept}…")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::Rule;

    #[test]
    fn the_port_space_is_drawn_in_three_parts() {
        assert_eq!(x(0.0), LABELS);
        assert!((x(1024.0) - (LABELS + PLOT * 0.35)).abs() < 1e-9);
        assert!((x(49152.0) - (LABELS + PLOT * 0.75)).abs() < 1e-9);
        assert!((x(65536.0) - (LABELS + PLOT)).abs() < 1e-9);
        assert!(x(135.0) < x(445.0) && x(445.0) < x(3389.0));
    }

    #[test]
    fn each_rule_is_a_mark_with_its_words_and_line() {
        let rule = |transport: &str, low, high, kind: &str, line| Rule {
            application_protocol: "RPC <&>".into(),
            transport: Some(transport.into()),
            port_low: low,
            port_high: high,
            port_kind: kind.into(),
            line,
        };
        let service = Service {
            title: "A & B".into(),
            system_service_name: Some("AB".into()),
            line: 1,
            rules: vec![
                rule("TCP", Some(135), Some(135), "fixed", 3),
                rule("TCP", Some(1025), Some(5000), "dynamic", 4),
                rule("GRE", None, None, "none", 5),
            ],
        };
        let svg = port_map(&[service]);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("<title>TCP 135 RPC &lt;&amp;&gt;, line 3</title>"), "{svg}");
        assert!(svg.contains("TCP 1025-5000 RPC &lt;&amp;&gt; (dynamic), line 4"));
        assert!(svg.contains("A &amp; B (AB) + GRE"));
        assert_eq!(svg.matches("<rect x=").count(), 3 + 2 + 3, "three parts, two rules, three legend keys");
    }
}
