"""Reporting verbs, as written (matched without a lemmatizer).

``CUE_WORDS`` introduce quoted or reported speech (said, wrote, told, added);
``INDIRECT_WORDS`` also report a stance or finding ("polls show that ...",
"officials believe ...") and are used for indirect attributions only.  Kept as
data apart from the attribution code, which reads better without them.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


CUE_WORDS = _words(
    """
    acknowledged acknowledges acknowledging added adding adds admits admitted admitting
    agreed agreeing agrees alleged alleges alleging announced announces announcing argued
    argues arguing asked asking asks asserted asserting asserts barked boasted boasting
    boasts called calling calls charged chimed claimed claiming claims complained
    complaining complains conceded concedes conceding concluded concludes concluding
    contended contending contends continued continues continuing countered countering
    counters declared declares declaring denied denies denying described describes
    describing emphasised emphasises emphasized emphasizes emphasizing exclaimed explained
    explaining explains insisted insisting insists interjected interjecting joked jokes
    joking lamented maintained maintaining maintains mentioned mentioning mentions mused
    noted notes noting observed observes observing pointed pointing points posted predicted
    predicting predicts promised promises promising quipped quipping quips reads recalled
    recalling recalls recounted remarked remarking remarks replied replies replying reported
    reporting reports responded responding responds retorted said saying says scoffed
    shouted snapped stated states stating stressed stresses stressing suggested suggesting
    suggests telling tells testified testifies testifying told tweeted tweeting tweets urged
    urges urging vowed vowing vows warned warning warns whispered writes writing written
    wrote yelled
    """
)

INDIRECT_WORDS = CUE_WORDS | _words(
    """
    believed believes confirmed confirms estimated estimates expected expects feared fears
    feels felt finds found hoped hopes indicated indicates knew knows learned learnt
    revealed reveals showed shown shows thinks thought worried worries
    """
)
