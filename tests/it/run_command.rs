//! The README's run command (`functions/local/run.sh`) gets the certificate font the way
//! printing reads it: the file it installs is the one `Printer::from_env` opens by default, the
//! Debian package it installs holds that file, and the face there prints.

use std::path::Path;
use std::process::Command;

use ticedu_certificate_pdf::{DEBIAN_NOTO_CJK, NOTO_CJK_SIMPLIFIED_CHINESE};
use ticedu_certificates::printing::Printer;

const RUN: &str = "functions/local/run.sh";

fn run_command(argument: &str) -> std::process::Output {
    Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(RUN))
        .arg(argument)
        .env_remove("TICEDU_CERT_FONT")
        .output()
        .expect("bash runs")
}

#[test]
fn the_run_command_installs_the_font_printing_reads() {
    let printed = run_command("--print-font");
    assert!(printed.status.success());
    let printed = String::from_utf8(printed.stdout).expect("utf-8");
    let (file, package) = printed.trim().split_once(' ').expect("file and package");

    assert_eq!(
        file, DEBIAN_NOTO_CJK,
        "run.sh installs the font where printing looks for it by default"
    );
    let printer = Printer::new(file.into(), NOTO_CJK_SIMPLIFIED_CHINESE, None);

    // The test command installs the font through `run.sh --font-only`, as the run command does.
    let installed = run_command("--font-only");
    assert!(
        installed.status.success(),
        "{}",
        String::from_utf8_lossy(&installed.stderr)
    );
    let owner = Command::new("dpkg").args(["-S", file]).output();
    if let Some(owner) = owner.ok().filter(|owner| owner.status.success()) {
        let owner = String::from_utf8_lossy(&owner.stdout);
        assert!(
            owner.starts_with(&format!("{package}:")),
            "{file} belongs to {owner}, not {package}"
        );
    }
    assert!(printer.font_present());
    let font = printer.font().expect("the installed face loads");
    assert!(font.covers("检验鉴定从业人员继续教育证书 钟检"));
}
