"""The variable mappings' sentences (engine/validation/mapping_rules.py) for web/validation_text.py.

Same form as the patterns there: the engine's sentence as a pattern, the Japanese msgid taking its named
groups; `what` holds an expression's own error, localized in turn.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

_PARAM = r"camunda:(?P<kind>inputParameter|outputParameter) '(?P<name>.*)'"
_MAPPING = r"camunda:(?P<kind>in|out)"

MAPPINGS = [
    (r"Camunda 7 runs no input/output mapping on a start event; map the variables in the first activity after it",
     _l("Camunda 7 は開始イベントで入出力マッピングを実行しません。変数のマッピングは開始イベントの次のアクティビティで"
        "行ってください。")),
    (r"Camunda 7 runs no input/output mapping on a boundary event; map the variables in the activity after it",
     _l("Camunda 7 は境界イベントで入出力マッピングを実行しません。変数のマッピングは境界イベントの次のアクティビティで"
        "行ってください。")),
    (r"Camunda 7 runs no input/output mapping on an event subprocess; map the variables in the activities inside it",
     _l("Camunda 7 はイベントサブプロセスで入出力マッピングを実行しません。変数のマッピングはその中のアクティビティで"
        "行ってください。")),
    (r"an end event takes no output parameters, as in Camunda 7: nothing follows it; map the variables in the "
     r"activity before it",
     _l("Camunda 7 と同じく、終了イベントには出力パラメーターを付けられません（後に続くものがありません）。変数の"
        "マッピングは終了イベントの前のアクティビティで行ってください。")),
    (r"an element has more than one camunda:inputOutput; merge them into one",
     _l("camunda:inputOutput が複数あります。1つにまとめてください。")),
    (r"camunda:(?P<kind>inputParameter|outputParameter) belongs inside camunda:inputOutput",
     _l("camunda:%(kind)s は camunda:inputOutput の中に書いてください。")),
    (r"camunda:(?P<tag>list|map|entry) belongs inside a camunda:inputParameter or camunda:outputParameter",
     _l("camunda:%(tag)s は camunda:inputParameter か camunda:outputParameter の中に書いてください。")),
    (r"a camunda:(?P<kind>inputParameter|outputParameter) has no name; give it the name of the variable it sets",
     _l("名前（name）のない camunda:%(kind)s があります。設定する変数の名前を付けてください。")),
    (rf"{_PARAM} holds more than one value; wrap them in a camunda:list",
     _l("camunda:%(kind)s '%(name)s' に値が複数あります。camunda:list で囲んでください。")),
    (rf"{_PARAM} has text outside its camunda:value or camunda:entry elements",
     _l("camunda:%(kind)s '%(name)s' の camunda:list / camunda:map に、camunda:value・camunda:entry の外の文字が"
        "あります。")),
    (rf"a camunda:entry in {_PARAM} has no key",
     _l("camunda:%(kind)s '%(name)s' の camunda:entry にキー（key）がありません。")),
    (rf"camunda:(?P<tag>[\w.-]+) cannot stand in {_PARAM}; write text, an expression \$\{{…\}}, a camunda:list or "
     r"a camunda:map",
     _l("camunda:%(tag)s は camunda:%(kind)s '%(name)s' の中には書けません。文字、式 ${…}、camunda:list または "
        "camunda:map で書いてください。")),
    (r"(?P<label>.+) reads (?P<read>execution(?:\.\w+)?); a mapping expression can read "
     r"execution\.processBusinessKey, businessKey, currentActivityId and currentActivityName",
     _l("%(label)s が %(read)s を読んでいます。マッピングの式で読めるのは execution.processBusinessKey、businessKey、"
        "currentActivityId、currentActivityName です。")),
    (rf"{_PARAM} reads decisionResult, which kentei does not set; map the decision's result with "
     r"camunda:resultVariable and camunda:mapDecisionResult and read that variable",
     _l("camunda:%(kind)s '%(name)s' が decisionResult を読んでいますが、kentei では設定されません。決定の結果は "
        "camunda:resultVariable と camunda:mapDecisionResult で変数にして、その変数を読んでください。")),
    (rf"{_PARAM}: (?P<what>.*)", _l("camunda:%(kind)s '%(name)s': %(what)s")),
    (r"camunda:in businessKey: (?P<what>.*)", _l("camunda:in の businessKey: %(what)s")),
    (rf"{_MAPPING} sourceExpression: (?P<what>.*)", _l("camunda:%(kind)s の sourceExpression: %(what)s")),
    (rf"{_MAPPING} local takes true or false, not '(?P<value>.*)'",
     _l("camunda:%(kind)s の local は true か false です（'%(value)s' になっています）。")),
    (rf"""{_MAPPING} variables takes only "all", not '(?P<value>.*)'""",
     _l("""camunda:%(kind)s の variables に書けるのは "all" だけです（'%(value)s' になっています）。""")),
    (rf"""a {_MAPPING} with variables="all" takes no source, sourceExpression or target""",
     _l("""variables="all" の camunda:%(kind)s には source・sourceExpression・target を書けません。""")),
    (rf"a {_MAPPING} has both source and sourceExpression; keep one",
     _l("camunda:%(kind)s に source と sourceExpression の両方があります。どちらか1つにしてください。")),
    (rf"""a {_MAPPING} needs source, sourceExpression or variables="all\"""",
     _l("""camunda:%(kind)s には source、sourceExpression、variables="all" のどれかが必要です。""")),
    (rf"a {_MAPPING} with source or sourceExpression needs a target",
     _l("source か sourceExpression のある camunda:%(kind)s には target が必要です。")),
    (rf"a {_MAPPING} has an empty source", _l("camunda:%(kind)s の source が空です。")),
    (r"a camunda:in with businessKey passes only the business key; map variables in a camunda:in of their own",
     _l("businessKey のある camunda:in が渡すのはビジネスキーだけです。変数は別の camunda:in で渡してください。")),
    (r"a call activity passes one business key; keep one camunda:in businessKey",
     _l("呼び出しアクティビティが渡すビジネスキーは1つです。businessKey のある camunda:in は1つにしてください。")),
]
