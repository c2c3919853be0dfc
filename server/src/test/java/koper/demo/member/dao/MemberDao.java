package koper.demo.member.dao;

import io.herald.sdk.DataObject;

/** Koper's member demo DAO: nobody creates its topic or types by hand. */
@DataObject(before = "delete*")
public interface MemberDao {

    int insertMember(String id, String name);

    int deleteMember(String id);
}
