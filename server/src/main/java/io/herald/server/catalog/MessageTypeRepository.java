package io.herald.server.catalog;

import org.springframework.data.jpa.repository.JpaRepository;

interface MessageTypeRepository extends JpaRepository<MessageTypeEntity, Long> {
}
