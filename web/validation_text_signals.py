"""The sentences of message throw events, signals and link events (engine/validation/bpmn_rules.py: _throw,
_signal, _link) for web/validation_text.py, in the same form as the patterns there."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

SIGNALS = [
    ((r'Java delegates cannot send a message here; use camunda:type="external" with a camunda:topic on the '
      r"message event"),
     _l('Java デリゲートではここからメッセージを送れません。メッセージイベントに camunda:type="external" と '
        "camunda:topic を指定してください。")),
    ((r'a message throw or end event needs camunda:type="external" and a camunda:topic naming the handler that '
      r"sends the message, as a send task does"),
     _l('メッセージ送信イベント・メッセージ終了イベントには、送信タスクと同じく camunda:type="external" と、'
        "メッセージを送るハンドラーを指す camunda:topic が必要です。")),
    (r"camunda:type and camunda:topic apply to a message throw or end event only; remove them",
     _l("camunda:type と camunda:topic を使えるのはメッセージ送信イベント・メッセージ終了イベントだけです。削除してください。")),
    (r"the signal event needs signalRef pointing at a named bpmn:signal",
     _l("シグナルイベントには、名前のある bpmn:signal を指す signalRef が必要です。")),
    (r"the signal name '(?P<name>.*)' is an expression, which is not supported; give the signal a fixed name",
     _l("シグナル名 '%(name)s' は式になっていますが、式には対応していません。決まった名前を付けてください。")),
    ((r"camunda:(?P<name>\w+) is not supported on this signal event; only a throwing signal event passes "
      r"variables, with camunda:in"),
     _l("このシグナルイベントでは camunda:%(name)s は使えません。変数を渡せるのは送信側のシグナルイベントの "
        "camunda:in だけです。")),
    (r"camunda:in with local or businessKey is not supported on a signal; map the variables by name",
     _l("シグナルの camunda:in では local も businessKey も使えません。変数を名前で指定してください。")),
    (r'camunda:in on a signal needs a target \(or variables="all"\)',
     _l('シグナルの camunda:in には target（または variables="all"）が必要です。')),
    (r'camunda:in on a signal needs a source or a sourceExpression \(or variables="all"\)',
     _l('シグナルの camunda:in には source か sourceExpression（または variables="all"）が必要です。')),
    (r"link event definitions belong on intermediate throw and catch events only",
     _l("リンクイベント定義は中間送信イベントと中間受信イベントにだけ付けられます。")),
    (r"the link event needs a name \(the linkEventDefinition's name\) that pairs its throw and catch",
     _l("リンクイベントには、送信側と受信側を結び付ける名前（linkEventDefinition の name）が必要です。")),
    (r"no link catch event named '(?P<name>.*)' is in the same process level as this link throw event",
     _l("このリンク送信イベントと同じプロセス階層に、名前が '%(name)s' のリンク受信イベントがありません。")),
    (r"two link catch events in this process level are named '(?P<name>.*)'; link names must be unique",
     _l("このプロセス階層に名前が '%(name)s' のリンク受信イベントが2つあります。リンク名は重複しないようにしてください。")),
    (r"a link throw event has no outgoing sequence flow: the process goes on at its link catch event",
     _l("リンク送信イベントからはシーケンスフローを出せません。処理は対応するリンク受信イベントから続きます。")),
    (r"a link catch event has no incoming sequence flow: it is reached from its link throw events",
     _l("リンク受信イベントにはシーケンスフローを入れられません。対応するリンク送信イベントから到達します。")),
]
