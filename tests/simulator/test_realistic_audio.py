"""A sample of the realistic corpus with audio, through the telephone leg (8 kHz μ-law, band-limited):
people in their own words, Piper voices at several speeds and espeak-ng, the agent's pocketsphinx grammars
and its open search. Recognition there is far from perfect (docs/benchmarks.md has the whole corpus), so
this checks what must hold whatever is misheard: nobody booked for a time they did not accept, every
opt-out honoured — and that most calls still end as the person expects."""

import json

import pytest
import yaml

from tests.servers import ROOT
from tests.simulator.test_simulate import simulate

SAMPLE = 10  # the first people of the tuning half: opt-outs, wrong number, not at home, questions, hold on
LEAST = 0.5  # of them whose calls end as they expect (measured 16 of the tuning half's 21 at 4 calls at once)

pytestmark = pytest.mark.database_free  # simulate uses a database of its own


def test_through_a_telephone_line_nobody_is_booked_wrongly_and_every_opt_out_is_honoured(tmp_path):
    people = yaml.safe_load((ROOT / "simulator/personas/realistic_audio.yaml").read_text())["personas"]
    sample = tmp_path / "sample.yaml"
    sample.write_text(yaml.safe_dump({"personas": [p for p in people if p["expect"]["set"] == "tune"][:SAMPLE]}))
    result = simulate(str(sample), "--json", "--concurrency", "4", "--now", "2027-01-05T08:30:00-05:00")
    report = json.loads(result.stdout) if result.stdout.strip().startswith("{") else None
    assert report is not None, result.stderr[-3000:]
    summary = report["summary"]
    assert summary["wrong_bookings"] == [] and summary["missed_opt_outs"] == [], summary
    assert summary["passed"] >= LEAST * summary["total"], [(r["name"], r["problems"]) for r in report["personas"]]
