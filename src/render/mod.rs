//! Renderers: the only code that formats results for people or machines. Each writes to an
//! `impl Write` (testable against a `Vec<u8>`), deterministically (sorted, no clock).

pub mod apply_report;
pub mod diagnostics;
pub mod findings;
pub mod gate_report;
pub mod plan;

use anstyle::{AnsiColor, Style};

use crate::settings::arguments::ColorChoice;

/// Colour on or off; decided once at the edge (terminal, `NO_COLOR`, `--color`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    pub color: bool,
}

impl Palette {
    /// The one place colour is decided, for any stream: `--color always|never` wins; `auto`
    /// colours only a terminal, and never when `NO_COLOR` is set (to anything but empty).
    pub fn decide(choice: ColorChoice, is_terminal: bool) -> Palette {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Palette::decide_with(choice, is_terminal, no_color)
    }

    fn decide_with(choice: ColorChoice, is_terminal: bool, no_color: bool) -> Palette {
        Palette {
            color: match choice {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => is_terminal && !no_color,
            },
        }
    }

    fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }

    pub fn added(&self, text: &str) -> String {
        self.paint(AnsiColor::Green.on_default(), text)
    }

    pub fn removed(&self, text: &str) -> String {
        self.paint(AnsiColor::Red.on_default(), text)
    }

    pub fn changed(&self, text: &str) -> String {
        self.paint(AnsiColor::Yellow.on_default(), text)
    }

    pub fn bad(&self, text: &str) -> String {
        self.paint(AnsiColor::Red.on_default().bold(), text)
    }

    pub fn strong(&self, text: &str) -> String {
        self.paint(Style::new().bold(), text)
    }

    pub fn dim(&self, text: &str) -> String {
        self.paint(Style::new().dimmed(), text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_is_decided_by_the_flag_then_the_terminal_and_no_color() {
        // Regression: `--color never` still coloured `error:` on a terminal stderr.
        let on =
            |choice, terminal, no_color| Palette::decide_with(choice, terminal, no_color).color;
        assert!(!on(ColorChoice::Never, true, false));
        assert!(on(ColorChoice::Always, false, true));
        assert!(on(ColorChoice::Auto, true, false));
        assert!(!on(ColorChoice::Auto, true, true));
        assert!(!on(ColorChoice::Auto, false, false));
    }
}
