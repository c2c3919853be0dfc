package koper.demo.member.listener;

import io.herald.sdk.koper.DataListener;
import koper.demo.member.Received;
import org.springframework.stereotype.Component;

/** Koper's member demo listener (Integer/String parameters bound by position). */
@Component
@DataListener(dataObject = "koper.demo.member.dao.impl.MemberDaoImpl")
public class MemberListener {

    public void onInsertMember(String id, String name) {
        Received.EVENTS.add("member:insertMember:" + id + ":" + name);
    }

    public void onBeforeDeleteMember(String id) {
        Received.EVENTS.add("member:beforeDeleteMember:" + id);
    }

    public void onDeleteMember(String id) {
        Received.EVENTS.add("member:deleteMember:" + id);
    }
}
