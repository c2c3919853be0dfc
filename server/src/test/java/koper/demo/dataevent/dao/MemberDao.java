package koper.demo.dataevent.dao;

import io.herald.sdk.DataObject;

/** A second data object whose topic nobody creates by hand (Koper's member demo). */
@DataObject(before = "delete*")
public interface MemberDao {

    int insertMember(String id, String name);

    int deleteMember(String id);
}
