"""Save points' sentences (engine/validation/async_rules.py, engine/bpmn/async_points.py) for web/validation_text.py.

Same form as the patterns there: the engine's sentence as a pattern, the Japanese msgid taking its named groups.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

_CYCLE = "camunda:failedJobRetryTimeCycle"

ASYNC = [
    (r'camunda:(?P<flag>asyncBefore|asyncAfter|exclusive) is "(?P<value>.*)"; write "true" or "false"',
     _l('camunda:%(flag)s が "%(value)s" になっています。"true" か "false" にしてください。')),
    ((r"camunda:asyncBefore and asyncAfter on a multi-instance activity are not supported yet; "
      r"put the save point on a task before or after it"),
     _l("マルチインスタンスのアクティビティの camunda:asyncBefore・asyncAfter にはまだ対応していません。"
        "セーブポイントはその前後のタスクに置いてください。")),
    ((r"camunda:asyncBefore and asyncAfter on an event subprocess or its start event are not supported yet; "
      r"put the save point on the first task inside it"),
     _l("イベントサブプロセスとその開始イベントの camunda:asyncBefore・asyncAfter にはまだ対応していません。"
        "セーブポイントは中の最初のタスクに置いてください。")),
    ((r"camunda:asyncAfter is not supported on an event-based gateway, as in Camunda 7; "
      r"put camunda:asyncBefore on the gateway instead"),
     _l("Camunda 7 と同じく、イベントベースゲートウェイには camunda:asyncAfter を付けられません。"
        "代わりにゲートウェイに camunda:asyncBefore を付けてください。")),
    ((r"camunda:asyncBefore is not supported on an event that follows an event-based gateway, as in Camunda 7; "
      r"put camunda:asyncBefore on the gateway instead"),
     _l("Camunda 7 と同じく、イベントベースゲートウェイの後のイベントには camunda:asyncBefore を付けられません。"
        "代わりにゲートウェイに camunda:asyncBefore を付けてください。")),
    ((rf"{_CYCLE} on a timer event is not supported: when running on from a timer fails, "
      r"kentei opens an incident at once"),
     _l("タイマーイベントの camunda:failedJobRetryTimeCycle には対応していません。タイマーの後の処理が失敗すると、"
        "kentei はすぐにインシデントにします。")),
    (rf"{_CYCLE} is empty; write e\.g\. R5/PT5M or PT10M,PT17M,PT20M",
     _l("camunda:failedJobRetryTimeCycle が空です。R5/PT5M や PT10M,PT17M,PT20M のように書いてください。")),
    (rf"an expression in {_CYCLE} is not supported; write the cycle, e\.g\. R5/PT5M",
     _l("camunda:failedJobRetryTimeCycle に式は使えません。R5/PT5M のように値を書いてください。")),
    (rf"{_CYCLE} '(?P<value>.*)' needs a repeat count and a period, e\.g\. R5/PT5M",
     _l("camunda:failedJobRetryTimeCycle '%(value)s' には回数と間隔が必要です（例: R5/PT5M）。")),
    ((rf"{_CYCLE} '(?P<value>.*)' is not a repeat like R5/PT5M or a list of ISO 8601 durations like "
      r"PT10M,PT17M,PT20M"),
     _l("camunda:failedJobRetryTimeCycle '%(value)s' は、R5/PT5M のような繰り返しでも、PT10M,PT17M,PT20M のような "
        "ISO 8601 の期間の並びでもありません。")),
]
